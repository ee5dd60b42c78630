package inject

import (
	"io"
	"os"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
)

// benchCollection is make bench's generated 40,000-request collection
// (skipped when it has not been generated).
func benchCollection(b *testing.B) []byte {
	data, err := os.ReadFile("../build/bench/collection-40000.json")
	if err != nil {
		b.Skip("run make bench first: ", err)
	}
	b.SetBytes(int64(len(data)))
	return data
}

// BenchmarkBuild parses and plans.
func BenchmarkBuild(b *testing.B) {
	data := benchCollection(b)
	for b.Loop() {
		doc, err := collection.Parse("bench.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Build(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInject is the whole edit: parse, plan, render, splice (written to
// io.Discard).
func BenchmarkInject(b *testing.B) {
	data := benchCollection(b)
	for b.Loop() {
		doc, err := collection.Parse("bench.json", data)
		if err != nil {
			b.Fatal(err)
		}
		p, err := Build(doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := apply(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}

// apply renders p's scripts and streams the edited collection to io.Discard,
// returning the editor's report.
func apply(doc *collection.Document, p *Plan) (*collection.InjectReport, error) {
	r, err := script.Render(p.Script)
	if err != nil {
		return nil, err
	}
	p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
	e, rep, err := collection.PlanInject(doc, p.Edit)
	if err != nil {
		return nil, err
	}
	_, err = e.WriteTo(io.Discard)
	return rep, err
}
