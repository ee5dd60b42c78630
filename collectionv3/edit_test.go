package collectionv3

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// EditScalars replaces exactly the scalar's bytes, in every style, and
// keeps every other byte (comments, CRLF, quoting of other values).
func TestEditScalars(t *testing.T) {
	cases := []struct {
		name, in, key, want string
		cut                 [][2]int
	}{
		{"plain", "a: 1\ns: secret # keep me\nb: 2\n", "s", "a: 1\ns: \"\" # keep me\nb: 2\n", nil},
		{"double", "s: \"se\\\"cret\"\nb: x\n", "s", "s: \"\"\nb: x\n", nil},
		{"single", "s: 'it''s'\n", "s", "s: \"\"\n", nil},
		{"crlf", "a: 1\r\ns: secret\r\nb: 2\r\n", "s", "a: 1\r\ns: \"\"\r\nb: 2\r\n", nil},
		{"literal block", "s: |-\n  line one\n  line two\nb: 2\n", "s", "s: \"\"\nb: 2\n", nil},
		{"folded block in a list", "list:\n  - code: >\n      one\n      two\n\n    language: js\n", "code", "list:\n  - code: \"\"\n\n    language: js\n", nil},
		{"empty block", "s: |\nb: 2\n", "s", "s: \"\"\nb: 2\n", nil},
		{"multi-line plain", "s: one\n  two\nb: 2\n", "s", "s: \"\"\nb: 2\n", nil},
		{"anchor", "s: &x secret\nb: *x\n", "s", "s: &x \"\"\nb: *x\n", nil},
		{"unicode before", "é: ü\ns: sécret\n", "s", "é: ü\ns: \"\"\n", nil},
		{"cut plain", "url: http://x/?access_token=abc&b=1\n", "url", "url: http://x/?access_token=&b=1\n", [][2]int{{23, 26}}},
		{"cut quoted", "url: \"{{base}}/?key=abc\"\n", "url", "url: \"{{base}}/?key=\"\n", [][2]int{{14, 17}}},
		{"cut escaped", "url: \"http://x/?k=a\\u0062c\"\n", "url", "url: \"http://x/?k=\"\n", [][2]int{{12, 15}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			top, err := ParseYAML("t.yaml", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			n := find(top, tc.key)
			if n == nil {
				t.Fatalf("no %s", tc.key)
			}
			out, err := EditScalars([]byte(tc.in), []ScalarEdit{{Node: n, Cut: tc.cut}})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got  %q\nwant %q", out, tc.want)
			}
		})
	}
}

// find is the first value of key anywhere under n.
func find(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
			if v := find(n.Content[i+1], key); v != nil {
				return v
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if v := find(c, key); v != nil {
				return v
			}
		}
	}
	return nil
}
