package inject

import (
	"io"
	"os"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
)

// BenchmarkBuild plans inject on the generated 40,000-request collection
// of make bench (skipped when it has not been generated).
func BenchmarkBuild(b *testing.B) {
	data, err := os.ReadFile("../build/bench/collection-40000.json")
	if err != nil {
		b.Skip("run make bench first: ", err)
	}
	b.SetBytes(int64(len(data)))
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
	data, err := os.ReadFile("../build/bench/collection-40000.json")
	if err != nil {
		b.Skip("run make bench first: ", err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		doc, err := collection.Parse("bench.json", data)
		if err != nil {
			b.Fatal(err)
		}
		p, err := Build(doc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		r, err := script.Render(p.Script)
		if err != nil {
			b.Fatal(err)
		}
		p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
		e, _, err := collection.PlanInject(doc, p.Edit)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
