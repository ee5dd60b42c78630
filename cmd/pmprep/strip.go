package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/strip"
	"github.com/urfave/cli/v2"
)

func stripCommand() *cli.Command {
	return &cli.Command{
		Name:      "strip",
		Usage:     "blank secret values in Postman collection, environment and globals files",
		ArgsUsage: "FILE...",
		Description: "Sets secret values (auth credentials, Authorization/Cookie/API-key headers, credentials in URL queries\n" +
			"and form bodies, secret variables) to \"\" in place, keeping every other byte; {{variable}} references stay.\n" +
			"Prints FILE:line:col: JSON-path: kind per finding on stderr, never a value. Exit 0: nothing found;\n" +
			"1: something stripped (or found, with --check); 2: an error. - reads standard input and writes standard output.\n" +
			"strip.allow in pmprep.yaml silences findings by JSON path or variable key.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "check", Usage: "report only: write nothing, exit 1 when something would be stripped", EnvVars: envVar("check")},
			&cli.BoolFlag{Name: "normalize", Usage: "also remove export noise (_postman_exported_at, _postman_exported_using, info._exporter_id)", EnvVars: envVar("normalize")},
			configFlag,
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				// A hook's file list may be empty (pmprep strip $(git diff
				// --cached --name-only -- '*.postman_*.json')): nothing to do
				// must not refuse the commit.
				fmt.Fprintln(c.App.ErrWriter, "pmprep strip: no files given, nothing to do (name collection, environment or globals files; - for standard input)")
				return nil
			}
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			a := stripArgs{files: c.Args().Slice(), check: c.Bool("check"), opts: strip.Options{Normalize: c.Bool("normalize")}}
			if cfg != nil {
				a.opts.Allow = cfg.Strip.Allow
			}
			return stripFiles(a, c.App.Reader, c.App.Writer, c.App.ErrWriter)
		},
	}
}

type stripArgs struct {
	files []string
	check bool
	opts  strip.Options
}

// stripped is what strip did to one file, kept small: findings are
// rendered to lines at once so no file's bytes outlive its worker.
type stripped struct {
	lines    []string // one per finding, in document order
	secrets  int
	inNames  int // secrets in names: reported, not blanked
	noise    int
	silenced int
	out      []byte // the result for standard input
	err      error
}

// stripFiles strips each file on a pool of one worker per core, then
// reports in the order the files were given.
func stripFiles(a stripArgs, stdin io.Reader, stdout, stderr io.Writer) error {
	files := unique(expandV3Dirs(a.files))
	stdins := 0
	for _, f := range files {
		if f == "-" {
			stdins++
		}
	}
	if stdins > 1 {
		return usagef("- (standard input) can be given once")
	}
	results := make([]stripped, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range jobs {
				results[i] = stripFile(files[i], a, stdin)
			}
		})
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return report(a.check, results, stdout, stderr)
}

func unique(files []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		if f != "-" && seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

func stripFile(name string, a stripArgs, stdin io.Reader) (r stripped) {
	if strip.IsV3File(name) {
		return stripV3File(name, a)
	}
	var err error
	release := func() {}
	defer func() {
		if err != nil {
			// A copy: the message may point into the mapping released next.
			r = stripped{err: errors.New(strings.Clone(err.Error()))}
		}
		release()
	}()
	// A large file is mapped, not read, and the stripped file streamed
	// from it to the temporary file: no copy of it is built in memory.
	// The report lines are formatted copies, so the mapping can go when
	// this file is done: strip may be given many large files.
	defer onFault(name, &err)()
	data, release, err := readInputReleased(name, stdin)
	if err != nil {
		return
	}
	doc, err := collection.ParseLegacy(name, data)
	if err != nil {
		return
	}
	res, err := strip.Find(doc, a.opts)
	if err != nil {
		return
	}
	for _, f := range res.Findings {
		r.lines = append(r.lines, fmt.Sprintf("%s:%d:%d: %s: %s", name, f.Pos.Line, f.Pos.Col, f.Path, f.Kind))
	}
	r.secrets = res.Secrets()
	for _, f := range res.Findings {
		if f.InName {
			r.inNames++
		}
	}
	r.noise = len(res.Findings) - r.secrets
	r.silenced = res.Silenced
	switch {
	case a.check:
	case name == "-":
		var out bytes.Buffer
		if _, err = res.WriteTo(&out); err != nil {
			return
		}
		r.out = out.Bytes()
	case res.Changed:
		err = writeFileFrom(name, 0o644, false, func(w io.Writer) error { _, err := res.WriteTo(w); return err })
	}
	return r
}

// report prints the findings and the errors, in the order the files were
// given, then a count line, and decides the outcome: an error (exit 2)
// beats a finding (exit 1).
func report(check bool, results []stripped, stdout, stderr io.Writer) error {
	w := bufio.NewWriter(stderr) // one write, not one per finding
	defer w.Flush()
	stderr = w
	var secrets, inNames, noise, silenced, touched, ok, failed int
	for _, r := range results {
		if r.err != nil {
			failed++
			fmt.Fprintf(stderr, "pmprep: strip: %s\n", strings.ReplaceAll(r.err.Error(), "\n", " "))
			continue
		}
		ok++
		for _, l := range r.lines {
			fmt.Fprintln(stderr, l)
		}
		if r.secrets+r.noise > 0 {
			touched++
		}
		secrets, inNames, noise, silenced = secrets+r.secrets, inNames+r.inNames, noise+r.noise, silenced+r.silenced
		if r.out != nil {
			if _, err := stdout.Write(r.out); err != nil {
				failed++
				fmt.Fprintf(stderr, "pmprep: strip: -: cannot write standard output: %v\n", err)
			}
		}
	}
	if ok > 0 {
		fmt.Fprintln(stderr, countLine(check, ok, touched, secrets, inNames, noise, silenced, failed))
	}
	if failed > 0 {
		return &reportedError{failed}
	}
	if secrets+noise > 0 {
		return &foundError{secrets + noise}
	}
	return nil
}

func countLine(check bool, ok, touched, secrets, inNames, noise, silenced, failed int) string {
	var b strings.Builder
	b.WriteString("pmprep strip: ")
	switch {
	case secrets == 0:
		fmt.Fprintf(&b, "no secrets found in %s", plural(ok, "file"))
	case check:
		fmt.Fprintf(&b, "%s found in %s (--check: nothing written)", plural(secrets, "secret"), plural(touched, "file"))
	case secrets == inNames:
		fmt.Fprintf(&b, "nothing stripped in %s", plural(ok, "file"))
	default:
		fmt.Fprintf(&b, "%s stripped in %s; review and stage the change, and keep the values in an environment outside git", plural(secrets-inNames, "secret"), plural(touched, "file"))
	}
	if inNames > 0 {
		fmt.Fprintf(&b, "; %s in names (keys) cannot be blanked: remove or rename them by hand", plural(inNames, "secret"))
	}
	if noise > 0 {
		verb := "removed"
		if check {
			verb = "to remove"
		}
		fmt.Fprintf(&b, "; %s of export noise %s", plural(noise, "member"), verb)
	}
	if silenced > 0 {
		fmt.Fprintf(&b, "; %d allowed by strip.allow", silenced)
	}
	if failed > 0 {
		fmt.Fprintf(&b, "; %s not processed", plural(failed, "file"))
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
