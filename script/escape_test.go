package script

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// hostile strings for every free-form setting.
var hostile = []string{
	``,
	`"`, `'`, "`", `\`, `\"`, `\\'`, `";alert(1);//`, `'+x+'`,
	"\n", "\r\n", "\u2028", "\u2029", "\x00", "\x1b[31m", "\t\v\f\b",
	`</script>`, `<!--`, `-->`, `]]>`, `&amp;`,
	`${alert(1)}`, "`${x}`", `*/ alert(1); /*`, `// >>> pmprep v0 settings:0`, "// <<< pmprep end",
	"x\n// <<< pmprep end\ny", "\n// >>> pmprep v1 settings:1 - x\n",
	`{{token_url}}`, `{{`, `}}`, `[[.Begin]]`, `{{.Settings}}`,
	"é日本\U0001F600", "\ufeff", "\ufffd", "\u0085", `\u2028`, `\x00`,
	strings.Repeat("A", 10000),
}

// withEverywhere puts v into every string setting that accepts it.
func withEverywhere(v string) Script {
	s := Defaults()
	s.Name = v
	s.TokenURL = "https://auth.example.com/token?q=" + v
	s.Scope = v
	s.Audience = v
	s.Params = []Param{{Key: "k" + v, Value: v}, {Key: "plain", Value: v + v}}
	if checkVarName("x"+v) == nil {
		s.Vars.AccessToken = "x" + v
		s.Vars.ClientID = "id" + v
	}
	return Script{Tokens: []Settings{s}, Inherit: []int{0}, Folders: []FolderRule{{Path: []string{v, "x" + v}}, {Path: []string{v}, Tokens: []int{0}}}, Retry401: true}
}

func TestRenderEscaping(t *testing.T) {
	c := jsChecker(t)
	for _, v := range hostile {
		s := withEverywhere(v)
		r, err := Render(s)
		if err != nil {
			t.Errorf("Render(%q): %v", v, err)
			continue
		}
		assertEmbedded(t, c, s, r)
	}
}

// assertEmbedded checks the rendered scripts against the settings: every
// line is free of line breaks, the block is fenced once, node compiles both
// scripts, and the values JavaScript sees are exactly the configured ones.
func assertEmbedded(t *testing.T, c *checker, s Script, r Rendered) {
	t.Helper()
	for _, lines := range [][]string{r.PreRequest, r.Test} {
		begin, end, ok := FindBlock(lines)
		if !ok || begin != 0 || end != len(lines)-1 {
			t.Fatalf("block fence broken: %d, %d, %v", begin, end, ok)
		}
		for _, l := range lines {
			if strings.ContainsAny(l, "\r\n\u2028\u2029") {
				t.Fatalf("line with a line terminator: %q", l)
			}
		}
	}
	if got, ok := ParseBlock(r.PreRequest); !ok || !sameSettings(got, s) {
		t.Fatalf("ParseBlock does not give the settings back")
	}
	a := c.check(t, r)
	if a.Error != "" {
		t.Fatalf("node rejected the script for %q:\n%s", s.Tokens[0].Scope, a.Error)
	}
	// What JavaScript evaluates is what Go encoded: compare as values.
	var got wire
	dec := json.NewDecoder(bytes.NewReader(a.Settings))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decoding node's view of the settings: %v", err)
	}
	if diff := cmp.Diff(toWire(s), got); diff != "" {
		t.Fatalf("JavaScript sees other settings (-want +got):\n%s", diff)
	}
	if r.Test != nil {
		if want := []string{UsedVar, CacheVar, RetryVar, PendingVar}; !cmp.Equal(want, a.TestVars) {
			t.Fatalf("test script constants = %q, want %q", a.TestVars, want)
		}
	}
}

// FuzzRenderEscaping: any string in any string setting either is refused
// by Validate (invalid UTF-8 always is) or renders to scripts that node
// compiles and that carry the string exactly.
func FuzzRenderEscaping(f *testing.F) {
	for _, v := range hostile {
		f.Add(v, v)
	}
	f.Add("a\xffb", "ok")
	f.Add("ok", "client_secret")
	f.Add("ok", "{{x}}")
	f.Fuzz(func(t *testing.T, v, name string) {
		if len(v) > 4096 || len(name) > 256 { // the size of a value does not change its escaping
			return
		}
		if !utf8.ValidString(v) {
			if _, err := Render(withEverywhere(v)); err == nil {
				t.Fatalf("invalid UTF-8 %q was accepted", v)
			}
			return
		}
		// Free-form settings take any valid string.
		s := withEverywhere(v)
		r, err := Render(s)
		if err != nil {
			t.Fatalf("Render(%q): %v", v, err)
		}
		assertEmbedded(t, jsChecker(t), s, r)
		// A name may be refused (not a variable name, taken, reserved), but
		// if it is accepted it must be embedded exactly.
		s.Tokens[0].Vars.Username = name
		s.Tokens[0].Params = append(s.Tokens[0].Params, Param{Key: name, Value: name})
		if r, err = Render(s); err != nil {
			return
		}
		if !utf8.ValidString(name) {
			t.Fatalf("invalid UTF-8 name %q was accepted", name)
		}
		assertEmbedded(t, jsChecker(t), s, r)
	})
}
