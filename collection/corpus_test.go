package collection

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// corpusDir holds real exports from public repositories (../shared/corpus
// beside the project). They are read, never copied into this repository.
const corpusDir = "../../shared/corpus"

func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if len(files) == 0 {
		t.Skip("no ../shared/corpus beside the project")
	}
	return files
}

// schemas compiles the official collection schemas (draft-04), keyed by the
// version in info.schema. jsonschema/v6 is used because it implements
// draft-04 faithfully and is maintained; tests only.
func schemas(t *testing.T) map[Kind]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	out := map[Kind]*jsonschema.Schema{}
	for kind, file := range map[Kind]string{KindCollection21: "collection-v2.1.0.json", KindCollection20: "collection-v2.0.0.json"} {
		path, err := filepath.Abs(filepath.Join("../../shared/schemas", file))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(path)
		if err != nil {
			t.Skipf("schemas not available: %v", err)
		}
		out[kind] = s
	}
	return out
}

func validAgainst(s *jsonschema.Schema, data []byte) bool {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	if err != nil {
		return false
	}
	return s.Validate(v) == nil
}

func TestCorpusInject(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: slow")
	}
	files := corpusFiles(t)
	sch := schemas(t)
	var collections, refused int
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(filepath.Base(f), in)
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("not an InputError: %v", err)
				}
				// Only v1 collections, UTF-16 files and non-Postman JSON may be refused, with advice.
				if !strings.Contains(err.Error(), "postman-collection-transformer") && !strings.Contains(err.Error(), "UTF-16") && !strings.Contains(err.Error(), "not a Postman") {
					t.Fatalf("refused without advice: %v", err)
				}
				refused++
				return
			}
			if !doc.Kind.IsCollection() {
				return
			}
			collections++
			out := injectOK(t, f, in, testPlan(true))
			checkInjected(t, in, out)
			if again := injectOK(t, f, out, testPlan(true)); !bytes.Equal(again, out) {
				t.Errorf("second inject changed the output")
			}
			if validAgainst(sch[doc.Kind], in) && !validAgainst(sch[doc.Kind], out) {
				t.Errorf("input validates against the official schema, output does not")
			}
		})
	}
	t.Logf("%d collections injected, %d files refused with advice", collections, refused)
	if collections == 0 {
		t.Fatal("no collection in the corpus was injected")
	}
}
