package collection

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// Fuzz targets for the inject path and the Editor. Both assert, for any
// input Parse accepts: no panic; the output is valid JSON (encoding/json
// agrees); the bytes outside the edited spans are the input's, and the
// spans lie where the edit was allowed to touch; running again on the
// output changes nothing. `make fuzz` runs each briefly; inputs that once
// failed live in testdata/fuzz/<target>/ and run with every `go test`.

// fuzzSeeds are the inject fixtures, a few real exports and shapes that
// exercise one-line, minified, CRLF and BOM layouts.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	files, _ := filepath.Glob("testdata/inject/*.postman_collection.json")
	small, _ := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	for _, c := range small {
		if fi, err := os.Stat(c); err == nil && fi.Size() < 16<<10 {
			files = append(files, c)
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	const v21 = `"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"`
	for _, s := range []string{
		`{"info": {"name": "one line", ` + v21 + `}, "item": []}` + "\n",
		`{"info":{"name":"min"},"item":[{"name":"r","request":{"auth":{"type":"bearer","bearer":[{"key":"token","value":"x"}]},"header":[{"key":"Authorization","value":"Bearer x"}],"url":"u"}}],"auth":{"type":"noauth"},"event":[],"variable":[]}`,
		"{\r\n  \"info\": {\"name\": \"crlf\"},\r\n  \"item\": [\r\n    {\"name\": \"f\", \"item\": [], \"auth\": {\"type\": \"oauth2\", \"oauth2\": []}}\r\n  ]\r\n}",
		`{"info": {"name": "string headers"}, "item": [{"name": "r", "request": {"header": "Accept: a\r\nAuthorization: Bearer t\u000aX: \\n", "url": "u"}}]}`,
		"\uFEFF{\n\t\"info\": {\"name\": \"bom\"},\n\t\"item\": [{\"name\": \"r\", \"request\": {\"header\": [{\"key\": \" authorization \", \"value\": \"bearer a\"}, {\"key\": \"X\", \"value\": \"y\"}]}}],\n\t\"event\": [{\"listen\": \"prerequest\", \"script\": {\"exec\": \"one\\nstring\"}}]\n}",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func FuzzInject(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, retry bool) {
		if len(data) > 1<<20 {
			return // size cap: the properties do not depend on size, the fuzzer's speed does
		}
		doc, err := Parse("fuzz.json", data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse error is not an InputError: %v", err)
			}
			return
		}
		if !json.Valid(doc.Body()) {
			t.Fatalf("Parse accepted what encoding/json rejects")
		}
		if !doc.Kind.IsCollection() {
			return
		}
		plan := testPlanFor(doc, retry)
		e, rep, err := PlanInject(doc, plan)
		if err != nil {
			t.Fatalf("inject: %v", err)
		}
		out, err := e.Apply()
		if err != nil {
			t.Fatalf("inject: %v", err)
		}
		checkEdit(t, doc, e, out)
		checkWriteTo(t, e, out)
		if !bytes.Equal(out, data) != rep.Changed {
			t.Errorf("report says changed=%v, output differs=%v", rep.Changed, !bytes.Equal(out, data))
		}
		checkSpansIn(t, doc, e, injectRegions(doc))

		// Idempotent: inject on its own output changes nothing.
		doc2, err := Parse("fuzz.json", out)
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		if doc2.Kind != doc.Kind {
			t.Fatalf("kind changed from %v to %v", doc.Kind, doc2.Kind)
		}
		again, rep2, err := Inject(doc2, testPlanFor(doc2, retry))
		if err != nil {
			t.Fatalf("second inject: %v", err)
		}
		if !bytes.Equal(again, out) || rep2.Changed {
			t.Fatalf("second inject changed the output:\nfirst:  %q\nsecond: %q", out, again)
		}
	})
}

// checkEdit asserts that out is valid JSON, keeps the BOM, and is the
// input with exactly the editor's spans replaced.
func checkEdit(t *testing.T, doc *Document, e *Editor, out []byte) {
	t.Helper()
	if bytes.HasPrefix(out, utf8BOM) != (len(doc.bom) > 0) {
		t.Fatalf("BOM not kept")
	}
	body := bytes.TrimPrefix(out, doc.bom)
	if !json.Valid(body) {
		t.Fatalf("output is not valid JSON:\n%s", out)
	}
	spans, _, err := e.plan()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	in, pos, last := doc.body, 0, 0
	for _, s := range spans {
		gap := in[last:s.start]
		if !bytes.HasPrefix(body[pos:], gap) {
			t.Fatalf("bytes %d..%d outside the edits changed", last, s.start)
		}
		pos += len(gap)
		if !bytes.HasPrefix(body[pos:], []byte(s.text)) {
			t.Fatalf("edit at %d not written as planned", s.start)
		}
		pos += len(s.text)
		last = s.end
	}
	if !bytes.Equal(body[pos:], in[last:]) {
		t.Fatalf("bytes after the last edit changed")
	}
}

// checkWriteTo asserts that streaming gives the same bytes as Apply.
func checkWriteTo(t *testing.T, e *Editor, out []byte) {
	t.Helper()
	var b bytes.Buffer
	n, err := e.WriteTo(&b)
	if err != nil || n != int64(b.Len()) || !bytes.Equal(b.Bytes(), out) {
		t.Fatalf("WriteTo differs from Apply (n=%d, err=%v)", n, err)
	}
}

type region struct{ start, end int }

// checkSpansIn asserts that every span lies inside one of the regions
// (merged where they touch).
func checkSpansIn(t *testing.T, doc *Document, e *Editor, regions []region) {
	t.Helper()
	spans, _, _ := e.plan()
	sort.Slice(regions, func(i, j int) bool { return regions[i].start < regions[j].start })
	var merged []region
	for _, r := range regions {
		if n := len(merged); n > 0 && r.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, r.end)
			continue
		}
		merged = append(merged, r)
	}
	for _, s := range spans {
		i := sort.Search(len(merged), func(i int) bool { return merged[i].end >= s.end })
		if i == len(merged) || merged[i].start > s.start {
			t.Fatalf("edit %d..%d %q is outside what may change (%q)", s.start, s.end, s.text, doc.body[s.start:s.end])
		}
	}
}

// around returns child i of container c with the gaps beside it: what a
// deletion of it (and of its neighbours) may remove, and where an insert
// after it goes.
func around(c gjson.Result, i int) region {
	starts, ends := (&Editor{}).childSpansOf(c)
	r := region{c.Index + 1, c.Index + len(c.Raw) - 1}
	if i > 0 {
		r.start = ends[i-1]
	}
	if i+1 < len(starts) {
		r.end = starts[i+1]
	}
	return r
}

// childSpansOf is childSpans without the Document's cache, for tests.
func (*Editor) childSpansOf(c gjson.Result) (starts, ends []int) {
	eachChild(c.Raw, func(ks, _, ve int) bool {
		starts = append(starts, c.Index+ks)
		ends = append(ends, c.Index+ve)
		return true
	})
	return starts, ends
}

// memberIndex returns the index of key's first occurrence in obj, or -1.
func memberIndex(obj gjson.Result, key string) int {
	i, found := 0, -1
	if !obj.IsObject() {
		return -1
	}
	eachChild(obj.Raw, func(ks, _, _ int) bool {
		if keyAt(obj.Raw, ks) == key {
			found = i
			return false
		}
		i++
		return true
	})
	return found
}

// injectRegions lists, from the input alone, what inject may change: the
// collection's auth, event and variable members and the end of the root
// object; every folder's and request's auth member; every enabled
// Authorization header.
func injectRegions(doc *Document) []region {
	root := doc.root
	var rs []region
	_, ends := (&Editor{}).childSpansOf(root)
	rs = append(rs, region{ends[len(ends)-1], root.Index + len(root.Raw) - 1}) // appends at the end
	for _, k := range []string{"auth", "event", "variable"} {
		if i := memberIndex(root, k); i >= 0 {
			rs = append(rs, around(root, i))
		}
	}
	Walk(doc, func(it *Item) error {
		if it.AuthHolder.Exists() {
			if i := memberIndex(it.AuthHolder, "auth"); i >= 0 {
				rs = append(rs, around(it.AuthHolder, i))
			} else {
				// An auth block may be added (noauth, to keep the item's own
				// credentials): at the end of its holder.
				_, ends := (&Editor{}).childSpansOf(it.AuthHolder)
				end := it.AuthHolder.Index + 1
				if len(ends) > 0 {
					end = ends[len(ends)-1]
				}
				rs = append(rs, region{end, it.AuthHolder.Index + len(it.AuthHolder.Raw) - 1})
			}
		}
		if !it.Request.IsObject() {
			return nil
		}
		headers, ok := Field(it.Request, "header")
		if ok && headers.Type == gjson.String && strings.Contains(strings.ToLower(headers.Str), "authorization") {
			rs = append(rs, region{headers.Index, headers.Index + len(headers.Raw)}) // the string form's lines
		}
		if !ok || !headers.IsArray() {
			return nil
		}
		i := 0
		headers.ForEach(func(_, h gjson.Result) bool {
			var f [3]gjson.Result
			pick(h, headerKeys, f[:])
			if strings.EqualFold(strings.TrimSpace(f[0].String()), "authorization") {
				rs = append(rs, around(headers, i))
			}
			i++
			return true
		})
		return nil
	})
	return rs
}

// A target is a value of the fuzzed document and the child indices that
// lead to it from the root.
type target struct {
	v    gjson.Result
	path []int
}

// targets lists up to 256 values of doc, parents first, to at most 64 deep.
func targets(root gjson.Result) []target {
	var out []target
	var visit func(v gjson.Result, path []int)
	visit = func(v gjson.Result, path []int) {
		if len(out) >= 256 || len(path) > 64 {
			return
		}
		out = append(out, target{v, path})
		i := 0
		eachChild(v.Raw, func(_, vs, ve int) bool {
			visit(resultAt(v.Raw, vs, ve, v.Index), append(path[:len(path):len(path)], i))
			i++
			return len(out) < 256
		})
	}
	visit(root, nil)
	return out
}

// locate follows path from root.
func locate(root gjson.Result, path []int) (gjson.Result, bool) {
	v := root
	for _, want := range path {
		var next gjson.Result
		i := 0
		eachChild(v.Raw, func(_, vs, ve int) bool {
			if i == want {
				next = resultAt(v.Raw, vs, ve, v.Index)
				return false
			}
			i++
			return true
		})
		if !next.Exists() {
			return next, false
		}
		v = next
	}
	return v, true
}

var (
	fuzzFragments = []Fragment{
		String("x"),
		String("ü\u2028\"\\\n\x01</script>"),
		Object{{"k", String("v")}, {"n", Array{Bool(true), Raw("null")}}},
		Array{},
		Object{},
		Raw("12.5"),
		Array{String("a"), Object{{"deep", Object{{"x", Array{String("y")}}}}}},
		Bool(false),
	}
	fuzzKeys = []string{"a", "auth", "ké\"y\\", ""}
)

// editOp is an idempotent edit (Set or DeleteMember), kept to be replayed
// on the output.
type editOp struct {
	del  bool
	path []int
	key  string
	frag Fragment
}

func (op editOp) apply(e *Editor, obj gjson.Result) {
	if op.del {
		e.DeleteMember(obj, op.key)
	} else {
		e.Set(obj, op.key, op.frag)
	}
}

// FuzzEditor drives the Editor with edits chosen by the fuzzer (three
// bytes each: operation, target, argument) on any JSON document.
func FuzzEditor(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, []byte{1, 0, 2, 2, 1, 1, 3, 2, 0, 5, 3, 9, 6, 7, 17})
	}
	f.Add([]byte(`{"a": [1, 2, 3], "b": {"c": {}}, "d": [], "e": {"x": 1, "y": 2}}`), []byte{3, 2, 1, 3, 2, 2, 4, 5, 6, 5, 8, 2, 0, 4, 1})
	f.Add([]byte("[\n  {\"a\": 1},\n  [\n    true\n  ]\n]"), []byte{6, 0, 18, 1, 1, 0, 2, 1, 1})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		if len(data) > 1<<20 || len(ops) > 60 {
			return
		}
		doc, err := parseJSON("fuzz.json", data)
		if err != nil {
			return
		}
		tgs := targets(doc.root)
		e := NewEditor(doc)
		var regions []region
		var replay []editOp
		onlyIdempotent := true
		for ; len(ops) >= 3; ops = ops[3:] {
			tg := tgs[int(ops[1])%len(tgs)]
			v, arg := tg.v, int(ops[2])
			frag := fuzzFragments[arg%len(fuzzFragments)]
			key := fuzzKeys[arg%len(fuzzKeys)]
			if arg%5 == 4 && v.IsObject() {
				eachChild(v.Raw, func(ks, _, _ int) bool { key = keyAt(v.Raw, ks); return false }) // an existing key
			}
			starts, _ := (&Editor{}).childSpansOf(v)
			n := len(starts)
			end := region{v.Index + 1, v.Index + len(v.Raw) - 1} // where an append goes
			if n > 0 {
				_, ends := (&Editor{}).childSpansOf(v)
				end.start = ends[n-1]
			}
			switch ops[0] % 7 {
			case 0:
				e.Replace(v, frag)
				regions = append(regions, region{v.Index, v.Index + len(v.Raw)})
				onlyIdempotent = false
			case 1:
				if !v.IsObject() {
					continue
				}
				if i := memberIndex(v, key); i >= 0 {
					regions = append(regions, around(v, i))
				} else {
					regions = append(regions, end)
				}
				op := editOp{path: tg.path, key: key, frag: frag}
				op.apply(e, v)
				replay = append(replay, op)
			case 2:
				if !v.IsObject() {
					continue
				}
				if i := memberIndex(v, key); i >= 0 {
					regions = append(regions, around(v, i))
				}
				op := editOp{del: true, path: tg.path, key: key}
				op.apply(e, v)
				replay = append(replay, op)
			case 3:
				if n == 0 {
					continue
				}
				e.Delete(v, arg%n)
				regions = append(regions, around(v, arg%n))
				onlyIdempotent = false
			case 4:
				if !v.IsObject() {
					continue
				}
				e.AppendMember(v, key, frag)
				regions = append(regions, end)
				onlyIdempotent = false
			case 5:
				if !v.IsArray() {
					continue
				}
				e.AppendElement(v, frag)
				regions = append(regions, end)
				onlyIdempotent = false
			case 6:
				if !v.IsArray() || n == 0 {
					continue
				}
				from := arg % n
				to := from + (arg/16)%(n-from)
				e.ReplaceElements(v, from, to, fuzzFragments[:arg%3])
				for i := from; i <= to; i++ {
					regions = append(regions, around(v, i))
				}
				onlyIdempotent = false
			}
		}
		out, err := e.Apply()
		if err != nil {
			if strings.Contains(err.Error(), "overlapping edits") {
				return // edits on nested values: refused, as documented
			}
			t.Fatalf("Apply: %v", err)
		}
		checkEdit(t, doc, e, out)
		checkWriteTo(t, e, out)
		checkSpansIn(t, doc, e, regions)
		if !e.Changed() && !bytes.Equal(out, data) {
			t.Fatalf("Changed() is false but the output differs")
		}

		// Set and DeleteMember are idempotent, when their objects are
		// disjoint (and the layout the Editor copies did not change).
		if !onlyIdempotent || len(replay) == 0 || detectStyle(bytes.TrimPrefix(out, utf8BOM)) != doc.Style {
			return
		}
		for i, a := range replay {
			va, _ := locate(doc.root, a.path)
			for _, b := range replay[:i] {
				vb, _ := locate(doc.root, b.path)
				if va.Index < vb.Index+len(vb.Raw) && vb.Index < va.Index+len(va.Raw) {
					return // nested or the same object
				}
			}
			if a.del && strings.Count(va.Raw, jsonKey(a.key)) > 1 {
				return // DeleteMember removes one of duplicate keys per run
			}
		}
		doc2, err := parseJSON("fuzz.json", out)
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		e2 := NewEditor(doc2)
		for _, op := range replay {
			v, ok := locate(doc2.root, op.path)
			if !ok {
				t.Fatalf("path %v lost", op.path)
			}
			op.apply(e2, v)
		}
		again, err := e2.Apply()
		if err != nil {
			t.Fatalf("second Apply: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("edits are not idempotent:\nfirst:  %q\nsecond: %q", out, again)
		}
	})
}

func jsonKey(k string) string {
	var b strings.Builder
	writeString(&b, k)
	return b.String()
}
