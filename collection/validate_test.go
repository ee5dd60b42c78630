package collection

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, `[]`, ` {"a": [1, 2.5e-3, -0, true, false, null, "x\u00e9\n"]} `, `"s"`, `0`, `-`, `01`, `1.`, `1e`,
		`{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `[1 2]`, `{"a":1,}`, `"\x"`, `"\u12"`, "\"a\tb\"", `tru`, `nul`, `{`, `[`,
		`{"a":{"b":[{}]}}`, `[[[[]]]]`, `{"a":1}}`, `{} {}`, ``, `   `, `"abc`, `{"a":"b\"}`, `[-1.0E+2]`, `{"":""}`,
	}
	for _, c := range cases {
		got := validate([]byte(c)) == nil
		want := json.Valid([]byte(c))
		if got != want {
			t.Errorf("validate(%q) ok=%v, encoding/json says %v", c, got, want)
		}
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
		if got, want := validate(data) == nil, json.Valid(data); got != want && !strings.Contains(string(data), strings.Repeat("[", maxDepth)) {
			t.Fatalf("validate=%v json.Valid=%v for %q", got, want, data)
		}
	})
}
