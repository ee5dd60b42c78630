package templates

import (
	"io/fs"
	"testing"
)

func TestFSHoldsTheTemplates(t *testing.T) {
	names, err := fs.Glob(FS, "*")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"prerequest.js.tmpl": true, "test.js.tmpl": true}
	if len(names) != len(want) {
		t.Errorf("FS holds %q, want %v", names, want)
	}
	for _, n := range names {
		if !want[n] {
			t.Errorf("unexpected file %q", n)
		}
	}
}
