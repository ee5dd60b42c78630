package collection

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/pmprep/pmprep/internal/bench/gen"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Benchmarks for the three steps of an edit (validate, locate, splice) on
// generated collections (internal/bench/gen, as `make bench` uses), and
// one that shows what the single splice avoids: a loop of sjson.Set calls
// copies the whole document per edit, O(n·k). Run with
//
//	go test ./collection -run '^$' -bench . -benchmem

var benchDocs sync.Map // requests -> []byte

func benchCollection(b *testing.B, requests int) []byte {
	if v, ok := benchDocs.Load(requests); ok {
		return v.([]byte)
	}
	data := gen.Collection(requests, 1)
	benchDocs.Store(requests, data)
	return data
}

func benchParse(b *testing.B, data []byte) *Document {
	doc, err := Parse("bench.json", data)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// BenchmarkParse is validation (UTF-8, JSON) and reading the item tree.
func BenchmarkParse(b *testing.B) {
	data := benchCollection(b, 10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		benchParse(b, data)
	}
}

// BenchmarkWalk is the locator: reading the item tree of a fresh Document
// and visiting every folder and request.
func BenchmarkWalk(b *testing.B) {
	data := benchCollection(b, 10000)
	doc := benchParse(b, data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := &Document{Name: doc.Name, Kind: doc.Kind, Style: doc.Style, body: doc.body, root: doc.root}
		n := 0
		if err := Walk(d, func(it *Item) error { n++; return nil }); err != nil || n < 10000 {
			b.Fatalf("walk: %v, %d items", err, n)
		}
	}
}

// BenchmarkInject is the whole edit after Parse: locate, plan, splice
// (streamed, as pmprep inject writes it).
func BenchmarkInject(b *testing.B) {
	data := benchCollection(b, 10000)
	doc := benchParse(b, data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		e, _, err := PlanInject(doc, testPlan(false))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// methodEdit is one edit per request: its method becomes "PUT".
type methodEdit struct {
	path    string       // sjson path of the method
	request gjson.Result // the request object
}

func methodEdits(tb testing.TB, doc *Document) []methodEdit {
	var edits []methodEdit
	Walk(doc, func(it *Item) error {
		if !it.Folder && it.Request.IsObject() {
			if _, ok := Field(it.Request, "method"); ok {
				p := strings.NewReplacer("[", ".", "]", "").Replace(it.Path) + ".request.method"
				edits = append(edits, methodEdit{path: p, request: it.Request})
			}
		}
		return nil
	})
	if len(edits) == 0 {
		tb.Fatal("no requests")
	}
	return edits
}

// BenchmarkEditor makes one edit per request (k edits on n bytes, k ∝ n)
// with the Editor — all located on the original bytes, applied in one
// splice — and with a loop of sjson.SetBytes, which rebuilds the document
// per edit. Doubling the collection doubles the Editor's time and
// quadruples sjson's; ns/edit shows it.
func BenchmarkEditor(b *testing.B) {
	for _, requests := range []int{250, 500, 1000} {
		data := benchCollection(b, requests)
		doc := benchParse(b, data)
		edits := methodEdits(b, doc)
		b.Run(fmt.Sprintf("requests=%d/splice", requests), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				e := NewEditor(doc)
				for _, ed := range edits {
					m, _ := Field(ed.request, "method")
					e.ReplaceRaw(m, `"PUT"`)
				}
				if _, err := e.Apply(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(edits)), "ns/edit")
		})
		b.Run(fmt.Sprintf("requests=%d/sjson-loop", requests), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				out := append([]byte(nil), data...)
				for _, ed := range edits {
					var err error
					if out, err = sjson.SetBytes(out, ed.path, "PUT"); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(edits)), "ns/edit")
		})
	}
}

// TestEditorMatchesSJSON checks that the two sides of BenchmarkEditor do
// the same edit.
func TestEditorMatchesSJSON(t *testing.T) {
	data := gen.Collection(50, 1)
	doc, err := Parse("bench.json", data)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEditor(doc)
	out := append([]byte(nil), data...)
	for _, ed := range methodEdits(t, doc) {
		m, _ := Field(ed.request, "method")
		e.ReplaceRaw(m, `"PUT"`)
		if out, err = sjson.SetBytes(out, ed.path, "PUT"); err != nil {
			t.Fatal(err)
		}
	}
	spliced, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	if string(spliced) != string(out) {
		t.Fatal("the Editor and sjson made different edits")
	}
}
