package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/config"
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
			"Output goes to stdout unless -o or -w is given; a summary goes to stderr.",
		Flags: []cli.Flag{
			outputFlag, writeFlag, configFlag,
			&cli.StringFlag{Name: "grant", Usage: "client_credentials, refresh_token or password", EnvVars: envVar("grant")},
			&cli.StringFlag{Name: "client-auth", Usage: "basic (RFC 6749 §2.3.1 Basic header) or body", EnvVars: envVar("client-auth")},
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
	plan, zc, err := resolveInject(doc, a.flags, a.config)
	if err != nil {
		return err
	}
	edit, rep, err := collection.PlanInject(doc, plan.inject)
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
	printInjectSummary(&summary, a, plan, zc, rep)
	stderr.Write(summary.Bytes())
	return nil
}

// injectPlan is everything inject decided, for the edit and the summary.
type injectPlan struct {
	settings script.Settings
	rendered script.Rendered
	inject   collection.InjectPlan
}

// resolveInject merges the settings (flag > PMPREP_* > config > the
// collection's existing pmprep block > its oauth2 block > defaults),
// renders the script and builds the edit plan.
func resolveInject(doc *collection.Document, c *cli.Context, cfg *config.Config) (*injectPlan, *zeroConfig, error) {
	s := script.Defaults()
	zc := readZeroConfig(doc)
	if zc != nil {
		zc.apply(&s)
	}
	if prev, ok := script.ParseBlock(collection.ScriptLines(doc, "prerequest")); ok {
		// An earlier run's settings win, and its output is not read again
		// as zero-config: a re-run must change nothing.
		s, zc = prev, nil
	}
	if cfg != nil {
		s = cfg.ScriptSettings(s)
		if r, ok := cfg.Retry401(); ok {
			s.Retry401 = r
		}
	}
	if err := applyInjectFlags(c, &s); err != nil {
		return nil, nil, err
	}
	// oauth2 if the collection's own auth is oauth2 (also the block an
	// earlier run wrote), so Postman's OAuth 2.0 form stays usable.
	authType := "bearer"
	if a, _ := collection.Field(doc.Root(), "auth"); collection.AuthType(a) == "oauth2" || zc != nil {
		authType = "oauth2"
	}
	if cfg != nil && cfg.Auth.Type.Set {
		authType = cfg.Auth.Type.Value
	}
	if c.String("auth") != "" {
		authType = c.String("auth")
	}
	if authType != "bearer" && authType != "oauth2" {
		return nil, nil, usagef("--auth must be bearer or oauth2, not %q", authType)
	}
	if err := s.Validate(); err != nil {
		return nil, nil, usagef("%v", err)
	}
	p := &injectPlan{settings: s}
	p.inject = collection.InjectPlan{
		// Rendered once inject has read which folders do not use the token.
		Scripts: func(rules []collection.FolderRule) ([]string, []string, error) {
			p.settings.Folders = nil
			for _, r := range rules {
				p.settings.Folders = append(p.settings.Folders, script.FolderRule{Path: r.Path, UsesToken: r.UsesToken})
			}
			var err error
			p.rendered, err = script.Render(p.settings)
			return p.rendered.PreRequest, p.rendered.Test, err
		},
		IsBegin:    script.IsBegin,
		IsEnd:      script.IsEnd,
		AuthType:   authType,
		AuthParams: authParams(authType, s, zc, ownGrantType(doc)),
		Variables:  declaredVariables(s, zc),
		KeepAuth:   keepAuth(s, zc),
	}
	return p, zc, nil
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
	if c.IsSet("retry-401") {
		s.Retry401 = c.Bool("retry-401")
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

// varRef matches a {{name}} reference.
var varRef = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// declaredVariables lists the variables the script reads, to declare in
// the collection: empty, or with the non-secret value found in the
// collection's oauth2 block. config.Inputs is the one list of them, shared
// with pmprep envs.
func declaredVariables(s script.Settings, zc *zeroConfig) []collection.Variable {
	var out []collection.Variable
	initial := zc.initialValues(s)
	for _, in := range config.Inputs(s) {
		v := collection.Variable{Key: in.Name}
		if !in.Secret {
			v.Value = initial[in.Name]
		}
		out = append(out, v)
	}
	return out
}

// authParams is the collection auth block: bearer with the token, or
// oauth2 that sends the token and keeps Postman's OAuth 2.0 form filled in
// with variables (never secrets).
func authParams(typ string, s script.Settings, zc *zeroConfig, ownGrantType string) []collection.AuthParam {
	token := "{{" + s.Vars.AccessToken + "}}"
	if typ == "bearer" {
		return []collection.AuthParam{{Key: "token", Value: token}}
	}
	grant := map[string]string{
		script.GrantClientCredentials: "client_credentials",
		script.GrantPassword:          "password_credentials",
		script.GrantRefreshToken:      "authorization_code",
	}[s.Grant]
	if g := zc.grantTypeFor(s.Grant); g != "" {
		grant = g
	} else if g := ownGrantType; g != "" && scriptGrant(g) == s.Grant {
		grant = g // the spelling an earlier run wrote (authorization_code, implicit, …)
	}
	clientAuth := map[string]string{script.ClientAuthBasic: "header", script.ClientAuthBody: "body"}[s.ClientAuth]
	p := []collection.AuthParam{
		{Key: "accessToken", Value: token},
		{Key: "tokenType", Value: "Bearer"},
		{Key: "addTokenTo", Value: "header"},
		{Key: "headerPrefix", Value: "Bearer"},
		{Key: "tokenName", Value: "pmprep"},
		{Key: "grant_type", Value: grant},
		{Key: "accessTokenUrl", Value: s.TokenURL},
		{Key: "clientId", Value: "{{" + s.Vars.ClientID + "}}"},
		{Key: "clientSecret", Value: "{{" + s.Vars.ClientSecret + "}}"},
		{Key: "client_authentication", Value: clientAuth},
	}
	if s.Scope != "" {
		p = append(p, collection.AuthParam{Key: "scope", Value: s.Scope})
	}
	if s.Grant == script.GrantPassword {
		p = append(p, collection.AuthParam{Key: "username", Value: "{{" + s.Vars.Username + "}}"},
			collection.AuthParam{Key: "password", Value: "{{" + s.Vars.Password + "}}"})
	}
	return p
}

// ownGrantType is the grant_type of the oauth2 collection auth an earlier
// run of pmprep wrote, or "".
func ownGrantType(doc *collection.Document) string {
	a, _ := collection.Field(doc.Root(), "auth")
	params := collection.AuthParams(a, "oauth2")
	if !isOurs(params) {
		return ""
	}
	g, _ := collection.Param(params, "grant_type")
	return g
}

// keepAuth keeps request and folder oauth2 blocks that talk to another
// authorization server than the one configured: they serve another
// purpose. Bearer blocks are the copy-and-paste token and always go.
func keepAuth(s script.Settings, zc *zeroConfig) func(string, []collection.KV) bool {
	ours := map[string]bool{"": true, s.TokenURL: true}
	if zc != nil {
		// The block zero-config read is ours whatever the final token URL:
		// its literal secrets were reported as moved out, so it must go.
		ours[zc.tokenURL] = true
	}
	return func(typ string, params []collection.KV) bool {
		if typ != "oauth2" {
			return false
		}
		u, _ := collection.Param(params, "accessTokenUrl")
		return !ours[u]
	}
}

// summaryLines is how many paths of one kind the summary lists before it
// counts the rest: a 40,000-request collection must not print 15,000 lines.
const summaryLines = 8

func listSome(w io.Writer, what string, paths []string) {
	for i, p := range paths {
		if i == summaryLines {
			fmt.Fprintf(w, "  %s: … and %d more\n", what, len(paths)-i)
			return
		}
		fmt.Fprintf(w, "  %s: %s\n", what, p)
	}
}

func printInjectSummary(w io.Writer, a injectArgs, p *injectPlan, zc *zeroConfig, rep *collection.InjectReport) {
	dest := a.output.path
	if dest == "" || dest == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(w, "pmprep inject: %s -> %s\n", a.input, dest)
	s := p.settings
	fmt.Fprintf(w, "  pre-request script: %s (grant %s, client auth %s, settings %s)\n", rep.ScriptAction, s.Grant, s.ClientAuth, p.rendered.Hash)
	if s.Retry401 {
		fmt.Fprintf(w, "  test script: 401 retry added\n")
	}
	fmt.Fprintf(w, "  collection auth: %s, %s sends {{%s}}\n", rep.AuthAction, p.inject.AuthType, s.Vars.AccessToken)
	if len(rep.DeclaredVars) > 0 {
		fmt.Fprintf(w, "  variables declared: %s\n", strings.Join(rep.DeclaredVars, ", "))
	}
	fmt.Fprintf(w, "  requests: %d of %d use the collection token", rep.Inheriting, rep.Requests)
	if n := len(rep.RemovedAuth); n > 0 {
		fmt.Fprintf(w, "; %d bearer/oauth2 blocks removed so they inherit", n)
	}
	if n := len(rep.RemovedHeaders); n > 0 {
		fmt.Fprintf(w, "; %d stale Authorization headers removed", n)
	}
	fmt.Fprintln(w)
	listSome(w, "uses the token under a folder with other auth", rep.RetargetedAuth)
	listSome(w, "left alone", rep.LeftAuth)
	listSome(w, "left alone (not a bearer token)", rep.LeftHeaders)
	listSome(w, "warning: folders of this name have different auth, so all their requests fetch a token (rename one to tell them apart)", rep.AmbiguousFolders)
	if zc != nil {
		fmt.Fprintf(w, "  settings read from the oauth2 block at %s\n", zc.path)
		for _, n := range zc.notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, m := range zc.moved {
			if m.variable == "" {
				fmt.Fprintf(w, "  stale token removed: %s (pmprep fetches fresh tokens)\n", m.path)
				continue
			}
			fmt.Fprintf(w, "  secret moved out: %s -> {{%s}} (set it in an environment or with newman --env-var %s=...)\n", m.path, m.variable, m.variable)
		}
	}
	if !rep.Changed {
		fmt.Fprintf(w, "  nothing changed\n")
	}
}
