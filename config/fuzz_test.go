package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specYAML is the SPEC's example config.
var specYAML = func() string {
	b, err := os.ReadFile(filepath.Join("testdata", "spec.yaml"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// FuzzParse: Parse never panics, and every error is a one-line *Error with
// a position inside the file.
func FuzzParse(f *testing.F) {
	f.Add("pmprep.yaml", specYAML)
	f.Add("pmprep.json", `{"auth": {"grant": "password", "params": {"a": "b"}}, "environments": {"dev": {"x": {"secret": true}}}}`)
	f.Add("pmprep.yaml", "environments:\n  a: &a {x: 1}\n  b: {<<: [*a, *a]}\n")
	f.Add("pmprep.yaml", "auth:\n\tgrant: x\n")
	f.Add("pmprep.yaml", "a: b: c\n")
	f.Add("pmprep.yaml", "environments: {dev: {client_secret: s3cr3t}}")
	f.Add("pmprep.yaml", "variables: {client_id: client_secret}")
	f.Add("pmprep.yaml", tokensYAML)
	f.Fuzz(func(t *testing.T, name, data string) {
		if len(data) > 1<<14 {
			return
		}
		c, err := Parse(name, []byte(data))
		if err == nil {
			if c == nil {
				t.Fatal("nil Config without an error")
			}
			for _, e := range c.Environments {
				if !safeFileName(e.Name) {
					t.Fatalf("unsafe environment name %q accepted", e.Name)
				}
			}
			return
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("error %T is not a *config.Error: %v", err, err)
		}
		lines := len(splitLines([]byte(data)))
		if ce.Line < 1 || ce.Col < 1 || ce.Line > lines {
			t.Fatalf("error without a position in the file (%d lines): %q", lines, err)
		}
		if strings.ContainsAny(ce.Msg, "\n\r") {
			t.Fatalf("error message has more than one line: %q", ce.Msg)
		}
	})
}
