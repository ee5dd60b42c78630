package collection

import (
	"bytes"
	"fmt"
	"github.com/pmprep/pmprep/internal/jsontext"
	"io"
	"maps"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// Editor collects edits on a Document's original bytes and applies them in
// one splice. Every edit names a value located on those original bytes
// (gjson results with absolute offsets), so the order in which edits are
// added does not matter and no edit ever sees another's output.
type Editor struct {
	doc        *Document
	spans      []span
	containers map[int]*containerEdit // by the container's start offset
	order      []int                  // container offsets in the order first touched, for determinism
}

// span replaces body[start:end] with text.
type span struct {
	start, end int
	text       string
}

// containerEdit gathers the deletions and appends for one object or array:
// they interact (separators, emptiness), so they are planned together.
type containerEdit struct {
	c       gjson.Result
	deletes []int // child indices, in the order deleted; may repeat
	appends []child
}

type child struct {
	member bool   // an object member (key: value), not an array element
	key    string // the member's key
	value  Fragment
}

// NewEditor starts an edit of doc.
func NewEditor(doc *Document) *Editor {
	return &Editor{doc: doc, containers: map[int]*containerEdit{}}
}

// Replace replaces the value v with f, encoded at v's indentation. When v
// already is f, laid out differently, v is left as the user wrote it.
func (e *Editor) Replace(v gjson.Result, f Fragment) {
	text := e.encodeAt(v, f)
	if sameJSONText(text, v.Raw) {
		return
	}
	e.ReplaceRaw(v, text)
}

// encodeAt renders f as Replace writes it in place of v. A non-empty
// object or array written on one line stays on one line, as appends into
// such a container do: so replacing what an append wrote changes nothing.
func (e *Editor) encodeAt(v gjson.Result, f Fragment) string {
	st := e.doc.Style
	if !st.Minified() && oneLineContainer(v.Raw) {
		st = Style{Inline: true}
	}
	return Encode(f, e.lineIndent(v.Index), st)
}

// sameJSONText reports whether a and b are the same JSON text but for
// white space between tokens.
func sameJSONText(a, b string) bool {
	i, j := 0, 0
	for {
		i, j = jsontext.SkipSpace(a, i), jsontext.SkipSpace(b, j)
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		if a[i] == '"' {
			ei, ej := skipString(a, i), skipString(b, j)
			if a[i:ei] != b[j:ej] {
				return false
			}
			i, j = ei, ej
			continue
		}
		i, j = i+1, j+1
	}
}

// oneLineContainer reports whether raw is a non-empty object or array
// without a line break.
func oneLineContainer(raw string) bool {
	if len(raw) < 2 || raw[0] != '{' && raw[0] != '[' || strings.IndexByte(raw, '\n') >= 0 {
		return false
	}
	return strings.TrimSpace(raw[1:len(raw)-1]) != ""
}

// ReplaceRaw replaces the value v with JSON text written as given.
func (e *Editor) ReplaceRaw(v gjson.Result, text string) {
	if text == v.Raw {
		return // no-op edits keep Apply's "changed" answer honest
	}
	e.spans = append(e.spans, span{v.Index, v.Index + len(v.Raw), text})
}

// Delete removes the member or element at index i of container c, with
// the separator that belongs to it.
func (e *Editor) Delete(c gjson.Result, i int) {
	ce := e.container(c)
	ce.deletes = append(ce.deletes, i)
}

// AppendMember adds key: value at the end of object c.
func (e *Editor) AppendMember(c gjson.Result, key string, value Fragment) {
	ce := e.container(c)
	ce.appends = append(ce.appends, child{member: true, key: key, value: value})
}

// AppendElement adds value at the end of array c.
func (e *Editor) AppendElement(c gjson.Result, value Fragment) {
	ce := e.container(c)
	ce.appends = append(ce.appends, child{value: value})
}

// Set replaces the value of key in object obj, or appends the member.
func (e *Editor) Set(obj gjson.Result, key string, value Fragment) {
	if v, ok := Field(obj, key); ok {
		e.Replace(v, value)
		return
	}
	e.AppendMember(obj, key, value)
}

func (e *Editor) container(c gjson.Result) *containerEdit {
	ce, ok := e.containers[c.Index]
	if !ok {
		ce = &containerEdit{c: c}
		e.containers[c.Index] = ce
		e.order = append(e.order, c.Index)
	}
	return ce
}

// Changed reports whether any edit has been recorded.
func (e *Editor) Changed() bool {
	for _, off := range e.order {
		ce := e.containers[off]
		if len(ce.deletes) > 0 || len(ce.appends) > 0 {
			return true
		}
	}
	return len(e.spans) > 0
}

// Apply returns the edited file, BOM included. Overlapping edits are a
// programming error and are reported, never resolved silently.
func (e *Editor) Apply() ([]byte, error) {
	spans, grow, err := e.plan()
	if err != nil {
		return nil, err
	}
	body := e.doc.body
	out := make([]byte, 0, len(e.doc.bom)+len(body)+grow)
	out = append(out, e.doc.bom...)
	last := 0
	for _, s := range spans {
		out = append(out, body[last:s.start]...)
		out = append(out, s.text...)
		last = s.end
	}
	return append(out, body[last:]...), nil
}

// WriteTo writes what Apply returns to w without building it in memory:
// for a large file that saves a second copy of it. Nothing is written when
// the edits are in conflict.
func (e *Editor) WriteTo(w io.Writer) (int64, error) {
	spans, _, err := e.plan()
	if err != nil {
		return 0, err
	}
	body := e.doc.body
	var n int64
	write := func(b []byte) error {
		m, err := w.Write(b)
		n += int64(m)
		return err
	}
	if err := write(e.doc.bom); err != nil {
		return n, err
	}
	last := 0
	for _, s := range spans {
		if err := write(body[last:s.start]); err != nil {
			return n, err
		}
		m, err := io.WriteString(w, s.text)
		if n += int64(m); err != nil {
			return n, err
		}
		last = s.end
	}
	return n, write(body[last:])
}

// plan returns every edit as a span of the body, in order, and how much
// the file grows. Overlapping edits are a programming error and are
// reported, never resolved silently.
func (e *Editor) plan() (spans []span, grow int, err error) {
	spans = append([]span(nil), e.spans...)
	for _, off := range e.order {
		spans = append(spans, e.planContainer(e.containers[off])...)
	}
	// Stable: zero-width inserts at one offset keep the order they were planned in.
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end < spans[j].end
	})
	for i, s := range spans {
		if s.start < 0 || s.end < s.start || s.end > len(e.doc.body) {
			return nil, 0, fmt.Errorf("internal error: edit at offsets %d..%d outside %s", s.start, s.end, e.doc.Name)
		}
		if i > 0 && spans[i-1].end > s.start {
			return nil, 0, fmt.Errorf("internal error: overlapping edits at offsets %d and %d of %s", spans[i-1].start, s.start, e.doc.Name)
		}
		grow += len(s.text) - (s.end - s.start)
	}
	return spans, grow, nil
}

// planContainer turns a container's deletions and appends into spans that
// touch only the removed children and the separators beside them.
//
// A container is "open g0 c0 g1 c1 … c(n-1) gn close", where gi is the gap
// (comma and white space) before child i and gn the gap before close.
// Deleting a run of children after a kept child removes [end(kept), end(run));
// a run at the start removes [start(0), start(first kept)).
func (e *Editor) planContainer(ce *containerEdit) []span {
	c := ce.c
	starts, ends := e.childSpans(c)
	n := len(starts)
	deleted := make([]bool, n)
	for _, i := range ce.deletes {
		if i >= 0 && i < n {
			deleted[i] = true
		}
	}
	open, closeAt := c.Index, c.Index+len(c.Raw)-1
	var kept []int
	for i := 0; i < n; i++ {
		if !deleted[i] {
			kept = append(kept, i)
		}
	}
	body := e.doc.body
	if len(kept) == 0 {
		// Empty, or emptied: rewrite the inside in the document's style.
		if n == 0 && len(ce.appends) == 0 {
			return nil
		}
		indent := e.lineIndent(open)
		inner := indent + e.doc.Style.Unit
		if !bytes.ContainsAny(body[open:closeAt], "\n") && n > 0 || e.doc.Style.Minified() {
			inner = "" // keep a one-line container on one line
		}
		var b strings.Builder
		st := e.doc.Style
		if inner == "" {
			st = Style{Inline: !e.doc.Style.Minified()}
		}
		for i, a := range ce.appends {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(st.Newline)
			b.WriteString(inner)
			e.writeChild(&b, a, inner, st)
		}
		if len(ce.appends) > 0 {
			b.WriteString(st.Newline)
			if st.Newline != "" {
				b.WriteString(indent)
			}
		}
		return []span{{open + 1, closeAt, b.String()}}
	}
	var out []span
	// Deletions, run by run.
	for i := 0; i < n; {
		if !deleted[i] {
			i++
			continue
		}
		j := i
		for j+1 < n && deleted[j+1] {
			j++
		}
		if i == 0 {
			out = append(out, span{starts[0], starts[j+1], ""})
		} else {
			out = append(out, span{ends[i-1], ends[j], ""})
		}
		i = j + 1
	}
	if len(ce.appends) == 0 {
		return out
	}
	// Appends go after the last kept child, each behind a separator copied
	// from the container (the gap before child 1, or before child 0).
	var sep string
	if n >= 2 {
		sep = string(body[ends[0]:starts[1]])
	} else {
		sep = "," + string(body[open+1:starts[0]])
	}
	childIndent := sep[strings.LastIndexAny(sep, "\n")+1:]
	childIndent = strings.TrimLeft(childIndent, ",")
	st := e.doc.Style
	if !strings.ContainsAny(sep, "\n") {
		// A one-line container stays on one line, spaced like the file.
		st = Style{Inline: !e.doc.Style.Minified()}
	}
	var b strings.Builder
	for _, a := range ce.appends {
		b.WriteString(sep)
		e.writeChild(&b, a, childIndent, st)
	}
	last := kept[len(kept)-1]
	return append(out, span{ends[last], ends[last], b.String()})
}

func (e *Editor) writeChild(b *strings.Builder, a child, indent string, st Style) {
	if a.member {
		writeString(b, a.key)
		b.WriteString(st.colon())
	}
	a.value.encode(b, indent, st)
}

// lineIndent is the leading white space of the line that holds offset.
func (e *Editor) lineIndent(offset int) string {
	body := e.doc.body
	start := bytes.LastIndexByte(body[:offset], '\n') + 1
	end := start
	for end < offset && (body[end] == ' ' || body[end] == '\t') {
		end++
	}
	return string(body[start:end])
}

// childSpans returns where each member (key through value) or element of
// container c starts and ends.
func (e *Editor) childSpans(c gjson.Result) (starts, ends []int) {
	if r := e.doc.root; c.Index == r.Index && len(c.Raw) == len(r.Raw) {
		t := e.doc.topLevel()
		return t.starts, t.ends
	}
	if ms, ok := e.doc.topLevel().items.membersOf(c); ok {
		// An item or a request: known from the walk, no second skim of a folder's subtree.
		for _, m := range ms {
			starts = append(starts, int(m.keyStart))
			ends = append(ends, int(m.end))
		}
		return starts, ends
	}
	eachChild(c.Raw, func(ks, _, ve int) bool {
		starts = append(starts, c.Index+ks)
		ends = append(ends, c.Index+ve)
		return true
	})
	return starts, ends
}

// Field returns the value of key in obj, with its absolute offset. Unlike
// gjson.Get it takes the key literally (no path syntax).
func Field(obj gjson.Result, key string) (gjson.Result, bool) {
	var found gjson.Result
	ok := false
	if !obj.IsObject() {
		return found, false
	}
	if t := memoized(obj); t != nil {
		found, ok = t.fields[key]
		return found, ok
	}
	eachChild(obj.Raw, func(ks, vs, ve int) bool {
		if keyAt(obj.Raw, ks) == key {
			found, ok = resultAt(obj.Raw, vs, ve, obj.Index), true
			return false
		}
		return true
	})
	return found, ok
}

// Fields returns obj's members by key (the first of duplicates), in one
// pass over obj: on a 60 MB collection root each separate lookup would
// skip over the whole "item" tree again.
func Fields(obj gjson.Result) map[string]gjson.Result {
	m := make(map[string]gjson.Result, 8)
	if !obj.IsObject() {
		return m
	}
	if t := memoized(obj); t != nil {
		maps.Copy(m, t.fields)
		return m
	}
	eachChild(obj.Raw, func(ks, vs, ve int) bool {
		k := keyAt(obj.Raw, ks)
		if _, dup := m[k]; !dup {
			m[k] = resultAt(obj.Raw, vs, ve, obj.Index)
		}
		return true
	})
	return m
}

// pick sets out[i] to the value of keys[i] in obj (the first of
// duplicates), without the map Fields builds: it runs for every header and
// auth parameter of a collection, so it reads each key once, in place.
func pick(obj gjson.Result, keys []string, out []gjson.Result) {
	raw := obj.Raw
	if len(raw) < 2 || raw[0] != '{' {
		return
	}
	for i := 1; ; i++ {
		i = jsontext.SkipSpace(raw, i)
		if i >= len(raw) || raw[i] != '"' {
			return
		}
		ks, ke := i, skipString(raw, i)
		i = jsontext.SkipSpace(raw, ke)
		if i >= len(raw) || raw[i] != ':' {
			return
		}
		vs := jsontext.SkipSpace(raw, i+1)
		ve := skipValue(raw, vs)
		if ve <= vs || ke-ks < 2 {
			return
		}
		k := raw[ks+1 : ke-1]
		if strings.IndexByte(k, '\\') >= 0 {
			k = keyAt(raw, ks)
		}
		for j, want := range keys {
			if k == want && !out[j].Exists() {
				out[j] = resultAt(raw, vs, ve, obj.Index)
			}
		}
		if i = jsontext.SkipSpace(raw, ve); i >= len(raw) || raw[i] != ',' {
			return
		}
	}
}

// DeleteMember removes key (its first occurrence) from object obj.
func (e *Editor) DeleteMember(obj gjson.Result, key string) {
	t := e.doc.topLevel().items
	if ms, ok := t.membersOf(obj); ok {
		for i, m := range ms {
			if t.key(m) == key {
				e.Delete(obj, i)
				return
			}
		}
		return
	}
	i, found := 0, -1
	eachChild(obj.Raw, func(ks, _, _ int) bool {
		if obj.IsObject() && keyAt(obj.Raw, ks) == key {
			found = i
			return false
		}
		i++
		return true
	})
	if found >= 0 {
		e.Delete(obj, found)
	}
}

// ReplaceElements replaces elements from..to (inclusive) of array arr with
// values, which may be fewer or more; the new elements are separated and
// indented like the first replaced one.
func (e *Editor) ReplaceElements(arr gjson.Result, from, to int, values []Fragment) {
	elems := arr.Array()
	for i := from + 1; i <= to; i++ {
		e.Delete(arr, i)
	}
	if len(values) == 0 {
		e.Delete(arr, from)
		return
	}
	first := elems[from]
	indent := e.lineIndent(first.Index)
	st := e.doc.Style
	sep := "," + st.Newline + indent
	if !bytes.ContainsAny(e.doc.body[arr.Index:arr.Index+len(arr.Raw)], "\n") {
		st, sep = Style{}, ","
	}
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteString(sep)
		}
		v.encode(&b, indent, st)
	}
	e.ReplaceRaw(first, b.String())
}
