package inject

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/internal/bench/gen"
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

// benchV3Dir is a v3 directory the Postman CLI migrated from the
// 10,000-request bench collection (internal/bench/gen, seed 1): made once
// into build/bench/v3-10000 (about 15 s), skipped without the pinned CLI.
func benchV3Dir(b *testing.B) string {
	b.Helper()
	dir := "../build/bench/v3-10000"
	if _, err := os.Stat(filepath.Join(dir, ".resources", "definition.yaml")); err == nil {
		return dir
	}
	bin, _ := filepath.Abs("../testdata/e2e/node_modules/@postman/pm-bin-linux-x64/bin/postman")
	if _, err := os.Stat(bin); err != nil {
		b.Skip("the Postman CLI is not installed (make e2e-deps): ", err)
	}
	src := filepath.Join(b.TempDir(), "bench-10000.postman_collection.json")
	if err := os.WriteFile(src, gen.Collection(10000, 1), 0o644); err != nil {
		b.Fatal(err)
	}
	home := b.TempDir()
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	cmd := exec.Command(bin, "collection", "migrate", src, "-o", tmp)
	cmd.Dir, cmd.Env = home, append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("postman collection migrate: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// copyDir copies the YAML files of src into a fresh temporary directory.
func copyDir(b *testing.B, src string) string {
	b.Helper()
	dst := b.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		b.Fatal(err)
	}
	return dst
}

// injectV3 is inject -w without the CLI: read, plan, render, edit, and the
// changed files written to temporary files and renamed.
func injectV3(b *testing.B, dir string) []collectionv3.Change {
	c, err := collectionv3.Read(dir)
	if err != nil {
		b.Fatal(err)
	}
	p, err := BuildV3(c, Options{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := script.Render(p.Script)
	if err != nil {
		b.Fatal(err)
	}
	p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
	changes, err := collectionv3.PlanInject(c, p.Edit)
	if err != nil {
		b.Fatal(err)
	}
	for _, ch := range changes {
		rewrite(b, ch.File.Path, ch.Data)
	}
	return changes
}

// rewrite writes data to a temporary file beside path and renames it over
// path (as pmprep inject -w does, without its fsync).
func rewrite(b *testing.B, path string, data []byte) {
	tmp := path + ".pmprep-bench"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInjectV3 is inject on the migrated 10,000-request directory
// (each iteration on a fresh copy); BenchmarkInjectV3Floor reads and
// rewrites the files it changes, the floor the speed target (3×) is
// measured against.
func BenchmarkInjectV3(b *testing.B) {
	src := benchV3Dir(b)
	for b.Loop() {
		b.StopTimer()
		dir := copyDir(b, src)
		b.StartTimer()
		injectV3(b, dir)
	}
}

func BenchmarkInjectV3Floor(b *testing.B) {
	src := benchV3Dir(b)
	changes := injectV3(b, copyDir(b, src))
	rels := make([]string, len(changes))
	for i, ch := range changes {
		rels[i] = filepath.FromSlash(ch.File.Rel)
	}
	b.ReportMetric(float64(len(rels)), "files")
	for b.Loop() {
		b.StopTimer()
		dir := copyDir(b, src)
		b.StartTimer()
		for _, rel := range rels {
			p := filepath.Join(dir, rel)
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			rewrite(b, p, data)
		}
	}
}

// BenchmarkInjectV3VsFloor measures both in one run, interleaved on fresh
// copies so that both see the same machine, and reports the ratio the
// speed target is about (inject within 3× of reading and rewriting the
// files it changes): x-floor.
func BenchmarkInjectV3VsFloor(b *testing.B) {
	src := benchV3Dir(b)
	changes := injectV3(b, copyDir(b, src))
	rels := make([]string, len(changes))
	for i, ch := range changes {
		rels[i] = filepath.FromSlash(ch.File.Rel)
	}
	var inject, floor time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := copyDir(b, src)
		start := time.Now()
		injectV3(b, dir)
		inject += time.Since(start)
		dir = copyDir(b, src)
		start = time.Now()
		for _, rel := range rels {
			p := filepath.Join(dir, rel)
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			rewrite(b, p, data)
		}
		floor += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(rels)), "files")
	b.ReportMetric(inject.Seconds()*1000/float64(b.N), "inject-ms")
	b.ReportMetric(floor.Seconds()*1000/float64(b.N), "floor-ms")
	b.ReportMetric(inject.Seconds()/floor.Seconds(), "x-floor")
}
