package script

import (
	"encoding/json"
	"os/exec"
	"testing"
)

// TestLocationKey: the key inject lists a v3 request under is what the
// script computes, JSON.stringify of the location, for names that
// encoding/json writes differently (<, >, &, U+2028) and for escapes.
func TestLocationKey(t *testing.T) {
	node := needNode(t)
	locs := [][]string{
		{},
		{"Orders & Payments", "<id>", "Get"},
		{`say "hi"`, `back\slash`, "tab\there", "line\nbreak", "ctl\x01\x1f\x7f"},
		{"sep\u2028\u2029", "注文一覧 5445", "Płatności — 💶"},
	}
	in, _ := json.Marshal(locs)
	out, err := exec.Command(node, "-e", `const l = JSON.parse(process.argv[1]); console.log(JSON.stringify(l.map((x) => JSON.stringify(x))));`, string(in)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, loc := range locs {
		if got := LocationKey(loc); got != want[i] {
			t.Errorf("LocationKey(%q) = %q, JSON.stringify gives %q", loc, got, want[i])
		}
	}
}
