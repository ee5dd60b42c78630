//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/inject"
)

// inject.EffectiveAuth must resolve every request's auth as postman-runtime
// does. The oracle is postman-collection's Item#getAuth (effective-auth.mjs),
// run on the corpus, on the before/after cases and on inject's outputs.
func TestEffectiveAuthMatchesPostmanCollection(t *testing.T) {
	requireE2EDeps(t)
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "beforeafter", "*.json"))
	corpus, _ := filepath.Glob(filepath.Join(repoRoot(t), "..", "shared", "corpus", "*.json"))
	files = append(files, corpus...)
	dir := t.TempDir()
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := collection.Parse(filepath.Base(f), data)
		if err != nil || !doc.Kind.IsCollection() {
			continue
		}
		// The input, and what inject makes of it.
		out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".json")+".injected.json")
		if _, stderr, code := pmprep(t, dir, "inject", f, "--token-url", "http://127.0.0.1:9/token", "-o", out); code != 0 {
			t.Errorf("%s: inject exit %d: %s", filepath.Base(f), code, redact(stderr))
			continue
		}
		for _, file := range []string{f, out} {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := collection.Parse(filepath.Base(file), data)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(file), err)
			}
			ours, err := inject.EffectiveAuth(doc)
			if err != nil {
				t.Fatal(err)
			}
			oracle := effectiveAuthOracle(t, file)
			if len(ours) != len(oracle) {
				t.Errorf("%s: %d requests, the oracle has %d", filepath.Base(file), len(ours), len(oracle))
			}
			for _, a := range ours {
				o, ok := oracle[a.Path]
				if !ok {
					t.Errorf("%s: %s not in the oracle", filepath.Base(file), a.Path)
					continue
				}
				got, want := describeAuth(a.Type, paramFn(a.Params)), describeAuth(o.Type, o.Param)
				if got != want {
					t.Errorf("%s %s: effective auth %q, postman-collection says %q", filepath.Base(file), a.Path, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing compared")
	}
	t.Logf("%d requests compared", checked)
}

func paramFn(params []collection.KV) func(string) string {
	return func(k string) string {
		v, _ := collection.Param(params, k)
		return v
	}
}

// describeAuth is the part of an auth that decides what is sent with a
// token: the type, and the token a bearer or oauth2 block sends.
func describeAuth(typ string, param func(string) string) string {
	switch typ {
	case "bearer":
		return "bearer " + param("token")
	case "oauth2":
		return "oauth2 " + param("accessToken") + " " + param("accessTokenUrl")
	}
	return typ
}
