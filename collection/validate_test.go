package collection

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, `[]`, ` {"a": [1, 2.5e-3, -0, true, false, null, "x\u00e9\n"]} `, `"s"`, `0`, `-`, `01`, `1.`, `1e`,
		`{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `[1 2]`, `{"a":1,}`, `"\x"`, `"\u12"`, "\"a\tb\"", `tru`, `nul`, `{`, `[`,
		`{"a":{"b":[{}]}}`, `[[[[]]]]`, `{"a":1}}`, `{} {}`, ``, `   `, `"abc`, `{"a":"b\"}`, `[-1.0E+2]`, `{"":""}`,
	}
	for _, c := range cases {
		got := syntaxValid(validate([]byte(c)))
		want := json.Valid([]byte(c))
		if got != want {
			t.Errorf("validate(%q) ok=%v, encoding/json says %v", c, got, want)
		}
	}
}

// syntaxValid reports whether validate found the text to be JSON: a
// duplicate key is valid JSON that pmprep refuses for its own reasons.
func syntaxValid(err error) bool {
	var dup *duplicateKeyError
	return err == nil || errors.As(err, &dup)
}

func TestValidateFindsDuplicateKeys(t *testing.T) {
	many := func(n int, dupAt int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			k := i
			if i == n-1 && dupAt >= 0 {
				k = dupAt
			}
			fmt.Fprintf(&b, `"k%d":%d`, k, i)
		}
		b.WriteString("}")
		return b.String()
	}
	cases := []struct {
		doc     string
		key     string // "" when no duplicate
		keyByte int    // offset of the second occurrence
	}{
		{`{"a":1,"b":2}`, "", 0},
		{`{"a":1,"a":2}`, "a", 7},
		{`{"a":{"x":1},"b":{"x":2}}`, "", 0},              // same key in sibling objects
		{`{"x":{"x":{"x":1}}}`, "", 0},                    // same key at each depth
		{`[{"a":1},{"a":1}]`, "", 0},                      // array elements are separate objects
		{`{"o":{"a":1,"b":{"c":1}},"a":{"a":{}}}`, "", 0}, // closed frames are forgotten
		{`{"auth":{},"item":[],"auth":{}}`, `auth`, 21},
		{`{"a":{"b":1,"c":{},"b":2}}`, "b", 19},
		// Keys compare as JSON.parse compares them: decoded, UTF-16 units.
		{`{"\ud800":1,"\udbff":2}`, "", 0}, // two different lone surrogates
		{`{"\ud800":1,"\ud800":2}`, `\ud800`, 12},
		{`{"\ud83d\ude00":1,"😀":2}`, `😀`, 18},
		{`{"\ud83d":1,"\ude00":2,"\ufffd":3,"�":4}`, `�`, 34},
		{`{"\u00e9":1,"é":2}`, `é`, 12},
		{`{"\n":1,"\u000a":2}`, `\u000a`, 8},
		{`{"\\":1,"\u005c":2}`, `\u005c`, 8},
		{`{"\/":1,"/":2}`, `/`, 8},
		{many(1000, -1), "", 0},
		{many(1000, 3), "k3", -1},
		{many(40, 5), "k5", -1}, // found after the frame switched to a map
	}
	for _, c := range cases {
		err := validate([]byte(c.doc))
		var dup *duplicateKeyError
		if c.key == "" {
			if err != nil {
				t.Errorf("validate(%.40q) = %v, want nil", c.doc, err)
			}
			continue
		}
		if !errors.As(err, &dup) {
			t.Errorf("validate(%.40q) = %v, want duplicate key %q", c.doc, err, c.key)
			continue
		}
		if string(dup.key) != c.key {
			t.Errorf("validate(%.40q): duplicate %q, want %q", c.doc, dup.key, c.key)
		}
		if c.keyByte >= 0 && dup.offset != c.keyByte {
			t.Errorf("validate(%.40q): offset %d, want %d", c.doc, dup.offset, c.keyByte)
		}
		if c.keyByte < 0 && !strings.HasPrefix(c.doc[dup.offset:], `"`+c.key+`"`) {
			t.Errorf("validate(%.40q): offset %d does not point at %q", c.doc, dup.offset, c.key)
		}
	}
}

func TestValidateReportsSyntaxBeforeDuplicates(t *testing.T) {
	err := validate([]byte(`{"a":1,"a":2,`))
	var se *syntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want the syntax error", err)
	}
}

func TestParseRefusesDuplicateKeysWithPosition(t *testing.T) {
	doc := "{\n\t\"info\": {\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n\t\"auth\": {\"type\": \"noauth\"},\n\t\"auth\": {\"type\": \"bearer\"},\n\t\"item\": []\n}\n"
	_, err := Parse("dup.json", []byte(doc))
	if err == nil {
		t.Fatal("Parse accepted a duplicate auth key")
	}
	want := `dup.json:4:2: duplicate key "auth"`
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "last one") {
		t.Fatalf("got %q, want it to start with %q and say which one Postman keeps", err, want)
	}
}

func TestDuplicateKeyMessageIsShortAndWhole(t *testing.T) {
	long := strings.Repeat("é", 100)
	e := &duplicateKeyError{key: []byte(long)}
	q := e.quotedKey()
	if !utf8.ValidString(q) || len(q) > 70 {
		t.Fatalf("quotedKey = %q (%d bytes), want valid UTF-8 of at most 70 bytes", q, len(q))
	}
}

func TestValidateDeepNestingIsAnErrorNotACrash(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	err := validate([]byte(deep))
	if err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Fatalf("got %v, want nesting error", err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `[`, `"\u00e9"`, `-1.5e3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := syntaxValid(validate(data)), json.Valid(data); got != want && !strings.Contains(string(data), strings.Repeat("[", maxDepth)) {
			t.Fatalf("validate=%v json.Valid=%v for %q", got, want, data)
		}
	})
}
