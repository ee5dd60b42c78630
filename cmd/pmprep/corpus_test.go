package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

// TestCorpusInjectZeroConfig runs the real `pmprep inject`, with no flags,
// over every real-world export in ../shared/corpus: collections are
// injected (their own oauth2 blocks drive the settings), the output is valid
// JSON, a second run changes nothing, and no literal secret of an oauth2
// block survives. Other files are refused with exit 2 and one line.
func TestCorpusInjectZeroConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: slow")
	}
	files, _ := filepath.Glob("../../../shared/corpus/*.json")
	if len(files) == 0 {
		t.Skip("no ../shared/corpus beside the project")
	}
	injectedCount := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.json")
			var stdout, stderr bytes.Buffer
			code := run([]string{"pmprep", "inject", f, "-o", out}, nil, &stdout, &stderr)
			doc, perr := collection.Parse(f, in)
			if perr != nil || !doc.Kind.IsCollection() {
				if code != 2 || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
					t.Fatalf("non-collection: exit %d, stderr %d lines, want exit 2 and one line", code, strings.Count(stderr.String(), "\n"))
				}
				if _, err := os.Stat(out); err == nil {
					t.Fatal("output written for refused input")
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			injectedCount++
			got, _ := os.ReadFile(out)
			if !json.Valid(bytes.TrimPrefix(got, []byte("\xef\xbb\xbf"))) {
				t.Fatal("output is not valid JSON")
			}
			for _, secret := range oauth2Secrets(doc) {
				if bytes.Contains(got, []byte(secret)) {
					t.Errorf("a literal oauth2 secret survived inject (summary: %s)", firstLine(stderr.String()))
				}
			}
			again := filepath.Join(t.TempDir(), "again.json")
			stderr.Reset()
			if code := run([]string{"pmprep", "inject", out, "-o", again}, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("second inject exit %d: %s", code, stderr.String())
			}
			if second, _ := os.ReadFile(again); !bytes.Equal(second, got) {
				t.Errorf("second inject changed the output")
			}
			if !strings.Contains(stderr.String(), "nothing changed") {
				t.Errorf("second inject does not say nothing changed")
			}
		})
	}
	if injectedCount == 0 {
		t.Fatal("no corpus collection was injected")
	}
}

// oauth2Secrets lists the literal secret values of the oauth2 blocks inject
// reads or replaces (the collection's, and request/folder blocks).
func oauth2Secrets(doc *collection.Document) []string {
	var out []string
	add := func(auth gjson.Result) {
		if collection.AuthType(auth) != "oauth2" {
			return
		}
		for _, p := range collection.AuthParams(auth, "oauth2") {
			switch p.Key {
			case "clientSecret", "password", "accessToken", "refreshToken":
				// Values that also stand elsewhere (say a basic auth password) are not this block's alone.
				if len(p.Value) >= 6 && !strings.Contains(p.Value, "{{") && bytes.Count(doc.Body(), []byte(p.Value)) == 1 {
					out = append(out, p.Value)
				}
			}
		}
	}
	if a, ok := collection.Field(doc.Root(), "auth"); ok {
		add(a)
	}
	collection.Walk(doc, func(it *collection.Item) error { add(it.Auth); return nil })
	return out
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
