package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmprep/pmprep/strip"
)

// expandV3Dirs replaces each directory argument by the files under it
// strip reads — v3 YAML files (requests, definitions, environments,
// examples) and Postman JSON exports (*.postman_collection.json,
// *.postman_environment.json, *.postman_globals.json, *.postman.json) —
// in walk order; a directory without any stays, so strip reports it.
func expandV3Dirs(args []string) []string {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if a == "-" || err != nil || !fi.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable parts are reported when read
			}
			name := d.Name()
			if d.IsDir() && p != a && strings.HasPrefix(name, ".") && name != ".resources" {
				return filepath.SkipDir // .git, .postman
			}
			if !d.IsDir() && (strip.IsV3File(name) || strip.IsPostmanFile(name)) {
				found = append(found, p)
			}
			return nil
		})
		if len(found) == 0 {
			found = []string{a}
		}
		out = append(out, found...)
	}
	return out
}

// stripV3File strips one v3 YAML file: findings as FILE:line:col: path:
// kind, the file rewritten atomically when something was blanked.
func stripV3File(name string, a stripArgs) (r stripped) {
	data, err := readInput(name, nil)
	if err != nil {
		return stripped{err: err}
	}
	res, err := strip.ScanV3(name, data, a.opts)
	if err != nil {
		return stripped{err: err}
	}
	for _, f := range res.Findings {
		r.lines = append(r.lines, fmt.Sprintf("%s:%d:%d: %s: %s", name, f.Pos.Line, f.Pos.Col, f.Path, f.Kind))
		if f.InName {
			r.inNames++
		}
	}
	r.secrets = len(res.Findings)
	r.silenced = res.Silenced
	if !a.check && res.Changed {
		if err := writeFileFrom(name, 0o644, false, func(w io.Writer) error { _, err := w.Write(res.Out); return err }); err != nil {
			return stripped{err: err}
		}
	}
	return r
}
