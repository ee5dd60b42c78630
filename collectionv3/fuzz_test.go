package collectionv3

import (
	"encoding/json"
	"testing"
)

// FuzzConvert: any parsable request and definition convert without a
// panic, to valid JSON, or fail with an input error.
func FuzzConvert(f *testing.F) {
	for _, p := range []string{"testdata/basic/Upload.request.yaml", "testdata/basic/Users/Get user.request.yaml", "testdata/basic/Token.request.yaml"} {
		f.Add(readFile(f, p), string(readFile(f, "testdata/basic/.resources/definition.yaml")))
	}
	f.Fuzz(func(t *testing.T, req []byte, def string) {
		if len(req)+len(def) > 1<<16 {
			return
		}
		rdoc, err := ParseYAML("r.request.yaml", req)
		if err != nil {
			return
		}
		ddoc, err := ParseYAML("definition.yaml", []byte(def))
		if err != nil {
			return
		}
		rf := &File{Path: "r.request.yaml", Rel: "r.request.yaml", Data: req, Doc: rdoc}
		df := &File{Path: "definition.yaml", Rel: ".resources/definition.yaml", Data: []byte(def), Doc: ddoc}
		if checkScripts(rf, true) != nil || checkScripts(df, false) != nil {
			return // Read refuses these
		}
		c := &Collection{Root: &Folder{Name: "c", Def: df, Items: []Item{{Request: &Request{Name: "r", File: rf}}}}}
		out, err := Convert(c)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("not JSON:\n%s", out)
		}
	})
}

func readFile(f *testing.F, p string) []byte {
	f.Helper()
	c, err := Read("testdata/basic")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range c.Files() {
		if "testdata/basic/"+file.Rel == p {
			return file.Data
		}
	}
	f.Fatalf("no %s", p)
	return nil
}
