package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/config"
	injectpkg "github.com/pmprep/pmprep/inject"
	"github.com/pmprep/pmprep/script"
	"github.com/urfave/cli/v2"
)

// Flags shared by several commands.
var (
	outputFlag = &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` (- for stdout)", EnvVars: envVar("output")}
	writeFlag  = &cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "rewrite the input file in place (atomically)", EnvVars: envVar("write")}
	configFlag = &cli.StringFlag{Name: "config", Usage: "read settings from `FILE` (default: pmprep.yaml, pmprep.yml or pmprep.json in the working directory, if present)", EnvVars: envVar("config")}
)

func injectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inject",
		Usage:     "add a token-fetching pre-request script and collection auth to a collection",
		ArgsUsage: "COLLECTION",
		Description: "Adds (or replaces) pmprep's block in the collection pre-request script, sets the collection auth to use\n" +
			"the token it fetches, declares the variables it reads, and makes bearer/oauth2 requests inherit.\n" +
			"With no grant flags and no config, settings come from the collection's own oauth2 auth block.\n" +
			"Output goes to stdout unless -o or -w is given; a summary goes to stderr.\n" +
			"A collection format v3 directory takes -w (in place, all files or none) or -o DIR (a copy); see docs/v3.md.",
		Flags: []cli.Flag{
			outputFlag, writeFlag, configFlag,
			&cli.StringFlag{Name: "grant", Usage: "client_credentials, refresh_token or password", EnvVars: envVar("grant")},
			&cli.StringFlag{Name: "client-auth", Usage: "basic (RFC 6749 §2.3.1 Basic header; also spelt header), body, client_secret_jwt, private_key_jwt, assertion, tls or none (see docs/client-auth.md)", EnvVars: envVar("client-auth")},
			&cli.StringFlag{Name: "assertion-alg", Usage: "private_key_jwt signing algorithm: RS256, RS384, RS512, PS256 or ES256 (default: RS256 for an RSA key, ES256 for EC P-256)", EnvVars: envVar("assertion-alg")},
			&cli.StringFlag{Name: "assertion-audience", Usage: "aud of a signed client assertion; may contain {{vars}} (default: the token endpoint URL)", EnvVars: envVar("assertion-audience")},
			&cli.StringFlag{Name: "issuer", Usage: "discover the token endpoint from this issuer's metadata (OpenID Connect, RFC 8414); may contain {{vars}}", EnvVars: envVar("issuer")},
			&cli.StringFlag{Name: "token-url", Usage: "token endpoint; may contain {{vars}} (default {{token_url}})", EnvVars: envVar("token-url")},
			&cli.StringFlag{Name: "scope", Usage: "scope to request; sent only when it resolves non-empty (default {{scope}})", EnvVars: envVar("scope")},
			&cli.StringFlag{Name: "audience", Usage: "audience form parameter; sent only when non-empty", EnvVars: envVar("audience")},
			&cli.StringSliceFlag{Name: "param", Usage: "extra token-request parameter `key=value` (repeatable)", EnvVars: envVar("param")},
			&cli.StringFlag{Name: "skew", Usage: "renew this long before expiry, capped at half the lifetime (Go duration: 30s, 1500ms, 0)", EnvVars: envVar("skew")},
			&cli.StringFlag{Name: "default-lifetime", Usage: "token lifetime when the response has neither expires_in nor a JWT exp (Go duration)", EnvVars: envVar("default-lifetime")},
			&cli.BoolFlag{Name: "persist-refresh-token", Usage: "write the newest refresh token back to the environment, so newman --export-environment carries it to the next run (the exported file then holds a secret)", EnvVars: envVar("persist-refresh-token")},
			&cli.BoolFlag{Name: "retry-401", Usage: "also add a test script that re-sends a request once after a 401, with a fresh token", EnvVars: envVar("retry-401")},
			&cli.StringFlag{Name: "auth", Usage: "collection auth to write: bearer or oauth2 (default: oauth2 if the collection had one, else bearer)", EnvVars: envVar("auth")},
		},
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			in, out, err := injectPaths(c, cfg)
			if err != nil {
				return err
			}
			return inject(injectArgs{input: in, output: out, flags: c, config: cfg}, c.App.Reader, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// loadConfig reads --config, or pmprep.yaml in the working directory.
func loadConfig(c *cli.Context) (*config.Config, error) {
	path := c.String("config")
	if path == "" {
		var ok bool
		if path, ok = config.Find("."); !ok {
			return nil, nil
		}
	}
	return config.Load(path)
}

func injectPaths(c *cli.Context, cfg *config.Config) (in string, out output, err error) {
	switch c.NArg() {
	case 0:
		if in = cfg.CollectionPath(); in == "" {
			return "", out, usagef("missing COLLECTION: name the collection file (or set collection: in pmprep.yaml)")
		}
	case 1:
		in = c.Args().First()
	default:
		return "", out, usagef("inject takes one collection, got %d arguments", c.NArg())
	}
	out = output{path: c.String("output"), stdout: c.App.Writer}
	if c.Bool("write") {
		if c.IsSet("output") {
			return "", out, usagef("give -o FILE or -w, not both")
		}
		if in == "-" {
			return "", out, usagef("-w rewrites a file; it cannot be used with standard input")
		}
		out.path = in
	}
	return in, out, nil
}

type injectArgs struct {
	input  string
	output output
	flags  *cli.Context
	config *config.Config
}

func inject(a injectArgs, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer onFault(a.input, &err)()
	if a.input != "-" && collectionv3.IsCollectionDir(a.input) {
		return injectDir(a, stderr)
	}
	data, err := readInputMapped(a.input, stdin)
	if err != nil {
		return err
	}
	doc, err := collection.Parse(a.input, data)
	if err != nil {
		return err
	}
	if !doc.Kind.IsCollection() {
		return &collection.InputError{File: a.input, Msg: "this is a Postman " + doc.Kind.String() + " file; inject needs a collection"}
	}
	opts, err := injectOptions(a.flags, a.config)
	if err != nil {
		return err
	}
	plan, err := injectpkg.Build(doc, opts)
	if err != nil {
		return settingsUsage(err)
	}
	rendered, err := script.Render(plan.Script)
	if err != nil {
		return usagef("%v", err)
	}
	plan.Edit.PreRequest, plan.Edit.Test = rendered.PreRequest, rendered.Test
	plan.Edit.IsBegin, plan.Edit.IsEnd = script.IsBegin, script.IsEnd
	edit, rep, err := collection.PlanInject(doc, plan.Edit)
	if err != nil {
		return err
	}
	// Streamed from the input's bytes and the edits: no second copy of a
	// large collection in memory.
	if err := a.output.writeFrom(func(w io.Writer) error { _, err := edit.WriteTo(w); return err }); err != nil {
		return err
	}
	// One write: a large collection's summary runs to thousands of lines.
	var summary bytes.Buffer
	printInjectSummary(&summary, a, plan, rendered, rep)
	stderr.Write(summary.Bytes())
	return nil
}

// settingsUsage makes a setting that cannot make a script a usage error
// (exit 2); other errors pass.
func settingsUsage(err error) error {
	var se *injectpkg.SettingsError
	if errors.As(err, &se) {
		return usagef("%v", se.Err)
	}
	return err
}

// injectOptions turns the config file and the flags (and PMPREP_*
// variables) into the library's options: precedence flag > PMPREP_* >
// config > what the collection says > defaults.
func injectOptions(c *cli.Context, cfg *config.Config) (injectpkg.Options, error) {
	opts := injectpkg.Options{Explicit: map[string]bool{}}
	// Validate the flags once, before the library calls Override.
	var probe script.Settings
	if err := applyInjectFlags(c, &probe); err != nil {
		return opts, err
	}
	opts.Override = func(base script.Settings) script.Settings {
		s := cfg.ScriptSettings(base)
		applyInjectFlags(c, &s)
		cfg.LeaveTokenURLToDiscovery(&s, c.IsSet("token-url"))
		return s
	}
	if cfg != nil {
		a := cfg.Auth
		opts.Explicit["grant"] = a.Grant.Set
		opts.Explicit["client_auth"] = a.ClientAuth.Set
		opts.Explicit["token_url"] = a.TokenURL.Set
		opts.Explicit["access_token"] = cfg.Variables.AccessToken.Set
		if a.Type.Set {
			opts.AuthType = a.Type.Value
		}
		if v, set := cfg.Retry401(); set {
			opts.Retry401, opts.Retry401Set = v, true
		}
		opts.Tokens = cfg.TokenSettings(script.Defaults())
	}
	for flag, key := range map[string]string{"grant": "grant", "client-auth": "client_auth", "token-url": "token_url"} {
		if c.String(flag) != "" {
			opts.Explicit[key] = true
		}
	}
	if c.IsSet("retry-401") {
		opts.Retry401, opts.Retry401Set = c.Bool("retry-401"), true
	}
	if t := c.String("auth"); t != "" {
		if t != "bearer" && t != "oauth2" {
			return opts, usagef("--auth must be bearer or oauth2, not %q", t)
		}
		opts.AuthType = t
	}
	if len(opts.Tokens) > 0 {
		// Flags describe one token; with tokens: they apply to each.
		for i := range opts.Tokens {
			if err := applyInjectFlags(c, &opts.Tokens[i]); err != nil {
				return opts, err
			}
			cfg.LeaveTokenURLToDiscovery(&opts.Tokens[i], c.IsSet("token-url"))
		}
	}
	return opts, nil
}

// applyInjectFlags applies the flags (and PMPREP_* variables) that are set.
func applyInjectFlags(c *cli.Context, s *script.Settings) error {
	str := func(name string, dst *string) {
		if c.IsSet(name) {
			*dst = c.String(name)
		}
	}
	// An empty choice (say PMPREP_GRANT= in a CI file) means "not set".
	choice := func(name string, dst *string) {
		if c.String(name) != "" {
			*dst = c.String(name)
		}
	}
	choice("grant", &s.Grant)
	choice("client-auth", &s.ClientAuth)
	s.ClientAuth = script.ClientAuthName(s.ClientAuth)
	choice("assertion-alg", &s.AssertionAlg)
	str("assertion-audience", &s.AssertionAudience)
	str("issuer", &s.Issuer)
	str("token-url", &s.TokenURL)
	str("scope", &s.Scope)
	str("audience", &s.Audience)
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"skew", &s.Skew}, {"default-lifetime", &s.DefaultLifetime}} {
		if !c.IsSet(d.name) {
			continue
		}
		v, err := time.ParseDuration(c.String(d.name))
		if err != nil || v < 0 {
			return usagef("--%s %q: expected a Go duration such as 30s, 1500ms or 0", d.name, c.String(d.name))
		}
		*d.dst = v
	}
	if c.IsSet("persist-refresh-token") {
		s.PersistRefreshToken = c.Bool("persist-refresh-token")
	}
	if c.IsSet("param") {
		s.Params = nil
		for _, kv := range c.StringSlice("param") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return usagef("--param %q: expected key=value", kv)
			}
			s.Params = append(s.Params, script.Param{Key: k, Value: v})
		}
	}
	return nil
}

// summaryLines is how many paths of one kind the summary lists before it
// counts the rest: a 40,000-request collection must not print 15,000 lines.
const summaryLines = 8

func listSome(w io.Writer, what string, paths []string) {
	for i, p := range paths {
		if i == summaryLines {
			fmt.Fprintf(w, "    … and %d more\n", len(paths)-i)
			return
		}
		if i == 0 {
			fmt.Fprintf(w, "  %s:\n", what)
		}
		fmt.Fprintf(w, "    %s\n", p)
	}
}

func printInjectSummary(w io.Writer, a injectArgs, p *injectpkg.Plan, r script.Rendered, rep *collection.InjectReport) {
	dest := a.output.path
	if dest == "" || dest == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(w, "pmprep inject: %s -> %s\n", a.input, dest)
	fmt.Fprintf(w, "  pre-request script: %s (settings %s)\n", rep.ScriptAction, r.Hash)
	if p.Script.Retry401 || rep.TestAction == "removed" {
		fmt.Fprintf(w, "  test script (401 retry): %s\n", rep.TestAction)
	}
	fmt.Fprintf(w, "  collection auth: %s (%s)\n", rep.AuthAction, orNone(p.AuthType))
	if len(rep.DeclaredVars) > 0 {
		fmt.Fprintf(w, "  variables declared: %s\n", strings.Join(rep.DeclaredVars, ", "))
	}
	if len(rep.DroppedVars) > 0 {
		fmt.Fprintf(w, "  empty variables removed (an older pmprep declared them; they hid globals): %s\n", strings.Join(rep.DroppedVars, ", "))
	}
	s := p.Report
	for _, d := range s.Domains {
		name := ""
		if d.Name != "" {
			name = " " + strconv.Quote(d.Name)
		}
		fmt.Fprintf(w, "  token%s {{%s}} (grant %s): %d of %d requests send it", name, d.Variable, d.Grant, d.Requests, s.Requests)
		if n := len(d.Newly); n > 0 {
			fmt.Fprintf(w, ", %d of them newly authorised (they sent no credentials before)", n)
		}
		fmt.Fprintln(w)
		listSome(w, "newly authorised", d.Newly)
	}
	if n := len(rep.RemovedAuth); n > 0 {
		fmt.Fprintf(w, "  %s removed: they inherit the same token\n", plural(n, "bearer/oauth2 block"))
	}
	if n := len(rep.EditedAuth); n > 0 {
		listSome(w, fmt.Sprintf("%s now send the fresh token (other fields kept)", plural(n, "auth block")), rep.EditedAuth)
	}
	if n := len(rep.RemovedHeaders); n > 0 {
		listSome(w, fmt.Sprintf("%s removed", plural(n, "stale Authorization header")), rep.RemovedHeaders)
	}
	for _, g := range s.Left {
		listSome(w, fmt.Sprintf("left alone, %s (%s)", plural(len(g.Paths), "request"), g.Why), g.Paths)
	}
	listSome(w, "kept their own credentials (noauth added so the collection auth does not override them)", s.Pinned)
	listSome(w, "warning: folders of this name send different tokens; their requests with an id are told apart by it, the others fetch each token (rename one folder to tell them apart)", s.AmbiguousFolders)
	listSome(w, "note: a script here already fetches tokens (pmprep now does; remove it when you are ready)", s.TokenScripts)
	listSome(w, "warning: literal secrets in oauth2 blocks pmprep leaves alone (another token URL); remove them with pmprep strip", s.LiteralSecrets)
	if zc := s.ZeroConfig; zc != nil {
		fmt.Fprintf(w, "  settings read from the oauth2 block at %s\n", zc.Path)
		for _, n := range zc.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, m := range zc.Moved {
			if m.Variable == "" {
				fmt.Fprintf(w, "  stale token removed: %s (pmprep fetches fresh tokens)\n", m.Path)
				continue
			}
			fmt.Fprintf(w, "  secret moved out: %s -> {{%s}} (set it in an environment or with newman --env-var %s=...)\n", m.Path, m.Variable, m.Variable)
		}
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  assumed: %s\n", n)
	}
	for _, n := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", n)
	}
	if !rep.Changed {
		fmt.Fprintf(w, "  nothing changed\n")
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
