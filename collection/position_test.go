package collection

import (
	"errors"
	"testing"
)

// TestPositionWithBOM: a UTF-8 BOM is not a column. Every error position
// on the first line of a file with a BOM is the one the same file without
// it gets (the config package counts the same way).
func TestPositionWithBOM(t *testing.T) {
	cases := []struct {
		name, text string
		want       Position
	}{
		{"syntax error", `{"info": {}, "item": [}`, Position{1, 23}},
		{"duplicate key", `{"info": {}, "info": {}, "item": []}`, Position{1, 14}},
		{"not an object", `  [1, 2]`, Position{1, 3}},
		{"no item", `{"info": {"name": "x"}}`, Position{1, 10}},
		{"invalid UTF-8", "{\"info\": {\"name\": \"Caf\xe9\"}, \"item\": []}", Position{1, 23}},
		{"second line", "{\"info\": {},\n \"item\": [}", Position{2, 11}},
		{"empty document", ``, Position{1, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, bom := range []string{"", "\xef\xbb\xbf"} {
				if bom == "" && c.text == "" {
					continue // an empty file is "file is empty", with no position
				}
				_, err := Parse("c.json", []byte(bom+c.text))
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("BOM %q: got %v, want an *InputError", bom, err)
				}
				if ie.Pos != c.want {
					t.Errorf("BOM %q: position %d:%d, want %d:%d (%v)", bom, ie.Pos.Line, ie.Pos.Col, c.want.Line, c.want.Col, err)
				}
			}
		})
	}
}

func TestPositionOf(t *testing.T) {
	for _, c := range []struct {
		data string
		off  int
		want Position
	}{
		{"abc", 2, Position{1, 3}},
		{"\xef\xbb\xbfabc", 5, Position{1, 3}},
		{"\xef\xbb\xbf", 3, Position{1, 1}},
		{"\xef\xbb\xbfa\nbc", 6, Position{2, 2}},
		{"é\xef\xbb\xbfx", 5, Position{1, 3}}, // a BOM inside the text is a character
	} {
		if got := positionOf([]byte(c.data), c.off); got != c.want {
			t.Errorf("positionOf(%q, %d) = %v, want %v", c.data, c.off, got, c.want)
		}
	}
}
