package collection

import (
	"encoding/json"
	"testing"

	"github.com/tidwall/gjson"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := parseJSON("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func field(t *testing.T, obj gjson.Result, key string) gjson.Result {
	t.Helper()
	v, ok := Field(obj, key)
	if !ok {
		t.Fatalf("no %q", key)
	}
	return v
}

func TestEditorContainerEdits(t *testing.T) {
	const env = "{\n\t\"values\": %s\n}"
	tests := []struct {
		name, in, want string
		edit           func(e *Editor, arr gjson.Result)
	}{
		{"delete middle", "[\n\t\t1,\n\t\t2,\n\t\t3\n\t]", "[\n\t\t1,\n\t\t3\n\t]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 1) }},
		{"delete first two", "[\n\t\t1,\n\t\t2,\n\t\t3\n\t]", "[\n\t\t3\n\t]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 0); e.Delete(a, 1) }},
		{"delete last", "[\n\t\t1,\n\t\t2,\n\t\t3\n\t]", "[\n\t\t1,\n\t\t2\n\t]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 2) }},
		{"delete first and last", "[\n\t\t1,\n\t\t2,\n\t\t3\n\t]", "[\n\t\t2\n\t]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 0); e.Delete(a, 2) }},
		{"delete all", "[\n\t\t1,\n\t\t2\n\t]", "[]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 0); e.Delete(a, 1) }},
		{"append to empty", "[]", "[\n\t\t\"x\",\n\t\t{\n\t\t\t\"k\": true\n\t\t}\n\t]",
			func(e *Editor, a gjson.Result) {
				e.AppendElement(a, String("x"))
				e.AppendElement(a, Object{{"k", Bool(true)}})
			}},
		{"append to one", "[\n\t\t1\n\t]", "[\n\t\t1,\n\t\t\"x\"\n\t]",
			func(e *Editor, a gjson.Result) { e.AppendElement(a, String("x")) }},
		{"delete last and append", "[\n\t\t1,\n\t\t2\n\t]", "[\n\t\t1,\n\t\t\"x\"\n\t]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 1); e.AppendElement(a, String("x")) }},
		{"delete all and append", "[ 1, 2 ]", "[\"x\"]",
			func(e *Editor, a gjson.Result) { e.Delete(a, 0); e.Delete(a, 1); e.AppendElement(a, String("x")) }},
		{"one-line stays one line", "[1, 2]", "[1, 2, \"x\"]",
			func(e *Editor, a gjson.Result) { e.AppendElement(a, String("x")) }},
		{"replace inside and append", "[\n\t\t1,\n\t\t2\n\t]", "[\n\t\t1,\n\t\t[]\n,\n\t\t\"x\"\n\t]",
			func(e *Editor, a gjson.Result) {
				var second gjson.Result
				i := 0
				a.ForEach(func(_, v gjson.Result) bool {
					if i == 1 {
						second = v
					}
					i++
					return true
				})
				e.ReplaceRaw(second, "[]\n")
				e.AppendElement(a, String("x"))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, sprintf(env, tt.in))
			e := NewEditor(doc)
			tt.edit(e, field(t, doc.Root(), "values"))
			got, err := e.Apply()
			if err != nil {
				t.Fatal(err)
			}
			if want := sprintf(env, tt.want); string(got) != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if !json.Valid(got) {
				t.Errorf("invalid JSON out")
			}
		})
	}
}

func TestEditorObjectMembersCRLFAndSpaces(t *testing.T) {
	in := "{\r\n    \"a\": 1,\r\n    \"b\": {\r\n        \"c\": 2\r\n    }\r\n}\r\n"
	doc := mustParse(t, in)
	e := NewEditor(doc)
	root := doc.Root()
	e.Delete(root, 0)
	e.AppendMember(field(t, root, "b"), "d", Object{{"e", Array{String("f")}}})
	e.AppendMember(root, "g", Array{})
	got, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	want := "{\r\n    \"b\": {\r\n        \"c\": 2,\r\n        \"d\": {\r\n            \"e\": [\r\n                \"f\"\r\n            ]\r\n        }\r\n    },\r\n    \"g\": []\r\n}\r\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestEditorMinified(t *testing.T) {
	doc := mustParse(t, `{"values":[{"a":1}],"x":{}}`)
	e := NewEditor(doc)
	root := doc.Root()
	e.AppendElement(field(t, root, "values"), Object{{"b", String("<\u2028\"")}})
	e.AppendMember(field(t, root, "x"), "k", Array{String("v")})
	got, _ := e.Apply()
	if want := `{"values":[{"a":1},{"b":"<` + "\u2028" + `\""}],"x":{"k":["v"]}}`; string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestEditorRejectsOverlap(t *testing.T) {
	doc := mustParse(t, "{\n\t\"values\": [\n\t\t{\"a\": 1}\n\t]\n}")
	e := NewEditor(doc)
	vals := field(t, doc.Root(), "values")
	e.Delete(vals, 0)
	e.ReplaceRaw(field(t, vals.Array()[0], "a"), "2")
	if _, err := e.Apply(); err == nil {
		t.Fatal("want overlap error")
	}
}

func TestParseKeepsBOM(t *testing.T) {
	in := "\xEF\xBB\xBF{\n\t\"values\": []\n}\n"
	doc := mustParse(t, in)
	e := NewEditor(doc)
	e.AppendElement(field(t, doc.Root(), "values"), String("x"))
	got, _ := e.Apply()
	if want := "\xEF\xBB\xBF{\n\t\"values\": [\n\t\t\"x\"\n\t]\n}\n"; string(got) != want {
		t.Errorf("got %q", got)
	}
}

func TestMinifiedWithTrailingNewlineStaysMinified(t *testing.T) {
	doc := mustParse(t, "{\"values\":[]}\n")
	e := NewEditor(doc)
	e.AppendElement(field(t, doc.Root(), "values"), Object{{"k", String("v")}})
	got, _ := e.Apply()
	if want := "{\"values\":[{\"k\":\"v\"}]}\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
