package strip

import (
	"testing"

	"github.com/pmprep/pmprep/collectionv3"
	"go.yaml.in/yaml/v3"
)

// FuzzScanV3: any bytes as a v3 request, definition or environment file
// never panic; when strip blanks something, the result parses, a second
// run finds nothing and changes nothing.
func FuzzScanV3(f *testing.F) {
	for _, seed := range []string{
		"$kind: http-request\nurl: \"{{b}}/x?access_token=abc&p=1\"\nheaders:\n  Authorization: Bearer abc # c\nauth:\n  type: bearer\n  credentials:\n    token: |-\n      abc\n",
		"$kind: collection\nvariables:\n  client_secret: 'it''s'\nauth:\n  - type: basic\n    credentials:\n      - key: password\n        value: \"p\\u0061ss\"\n",
		"name: dev\nvalues:\n  - key: k\n    value: &a v\n    type: secret\n  - key: token\n    value: *a\n",
		"$kind: http-request\nbody:\n  type: urlencoded\n  content:\n    - key: password\n      value: >\n        folded\n        text\n\n    - key: x\n      value: y\r\n",
	} {
		f.Add(seed, 0)
		f.Add(seed, 1)
		f.Add(seed, 2)
	}
	names := []string{"a.request.yaml", "definition.yaml", "dev.environment.yaml"}
	f.Fuzz(func(t *testing.T, in string, kind int) {
		if len(in) > 1<<16 {
			return
		}
		name := names[(kind%3+3)%3]
		res, err := ScanV3(name, []byte(in), Options{})
		if err != nil {
			if _, perr := collectionv3.ParseYAML(name, []byte(in)); perr == nil {
				t.Fatalf("the file parses, but strip fails: %v\n%q", err, in)
			}
			return
		}
		if !res.Changed {
			return
		}
		var n yaml.Node
		if err := yaml.Unmarshal(res.Out, &n); err != nil {
			t.Fatalf("stripped output does not parse: %v\n%q", err, res.Out)
		}
		again, err := ScanV3(name, res.Out, Options{})
		if err != nil {
			t.Fatalf("second run: %v", err)
		}
		if again.Changed || len(again.Findings) > 0 {
			t.Fatalf("second run finds %d, changes %v:\n%q", len(again.Findings), again.Changed, res.Out)
		}
	})
}

// Two secrets that are aliases of one anchored scalar blank it once.
func TestScanV3SharedAnchor(t *testing.T) {
	in := "name: dev\nvalues:\n  - key: client_secret\n    value: &s planted-secret\n  - key: api_token\n    value: *s\n"
	res, err := ScanV3("dev.environment.yaml", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "name: dev\nvalues:\n  - key: client_secret\n    value: &s \"\"\n  - key: api_token\n    value: *s\n"
	if string(res.Out) != want || len(res.Findings) != 2 {
		t.Errorf("%d findings, got\n%s", len(res.Findings), res.Out)
	}
}
