package collection

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/pmprep/pmprep/internal/jsontext"
	"math"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
	"weak"

	"github.com/tidwall/gjson"
)

// Kind is what a Postman JSON file holds, detected from its content.
type Kind int

const (
	KindCollection21 Kind = iota + 1 // collection, schema v2.1.0
	KindCollection20                 // collection, schema v2.0.0 (auth params as objects)
	KindEnvironment                  // environment export
	KindGlobals                      // globals export
	// Read by ParseLegacy only (strip scans them; inject cannot edit them):
	KindCollection1 // collection v1 (requests, folders, helperAttributes)
	KindDump        // Postman's "Export data" dump: v1 collections, environments, globals
)

func (k Kind) String() string {
	switch k {
	case KindCollection21:
		return "collection v2.1"
	case KindCollection20:
		return "collection v2.0"
	case KindEnvironment:
		return "environment"
	case KindGlobals:
		return "globals"
	case KindCollection1:
		return "collection v1"
	case KindDump:
		return "Postman data dump"
	}
	return "unknown"
}

// IsCollection reports whether k is a collection of either version.
func (k Kind) IsCollection() bool { return k == KindCollection21 || k == KindCollection20 }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Document is a validated Postman file. Its bytes are never modified; edits
// are made with an Editor and produce new bytes.
type Document struct {
	Name  string // file name used in messages
	Kind  Kind
	Style Style
	bom   []byte // the UTF-8 BOM, if the file had one; kept on output
	body  []byte // the JSON text, after the BOM
	root  gjson.Result
	// top holds the top-level members and where they are, found once:
	// each lookup on a 60 MB root would skip the whole "item" tree again.
	top *topLevel
}

type topLevel struct {
	fields       map[string]gjson.Result
	starts, ends []int     // of each member, for the Editor
	items        *itemTree // the layout of the "item" tree, for Walk and the Editor; nil if none
}

// topLevel returns the top-level members, reading them (and the item tree
// of a collection) on first use.
func (d *Document) topLevel() *topLevel {
	if d.top != nil {
		return d.top
	}
	t := &topLevel{fields: map[string]gjson.Result{}}
	root := d.root
	text := unsafe.String(unsafe.SliceData(d.body), len(d.body))
	value := func(ks, vs int) int {
		if root.IsObject() && t.items == nil && text[vs] == '[' && keyAt(text, ks) == "item" {
			if _, seen := t.fields["item"]; !seen {
				// Sized from the file (Postman exports run about 1 item per
				// 1.5 KB, 1 member per 150 bytes): growing by doubling would
				// copy and touch twice the memory. Capacity never used costs
				// no memory until it is touched.
				t.items = &itemTree{text: text,
					nodes:   make([]itemNode, 0, len(text)/1024+16),
					members: make([]memberSpan, 0, len(text)/128+64)}
				return t.items.scanArray(vs, 0)
			}
		}
		return skipValue(text, vs)
	}
	eachChildWith(text, root.Index, value, func(ks, vs, ve int) bool {
		t.starts = append(t.starts, ks)
		t.ends = append(t.ends, ve)
		if !root.IsObject() {
			return true
		}
		k := keyAt(text, ks)
		if _, dup := t.fields[k]; !dup {
			t.fields[k] = resultAt(text, vs, ve, 0)
		}
		return true
	})
	d.top = t
	if len(root.Raw) >= memoMin {
		lastRoot.Store(&rootMemo{unsafe.StringData(root.Raw), len(root.Raw), root.Index, weak.Make(t)})
	}
	return d.top
}

// topField returns the top-level member key.
func (d *Document) topField(key string) (gjson.Result, bool) {
	v, ok := d.topLevel().fields[key]
	return v, ok
}

// lastRoot remembers the top level of the last large Document read, so
// that Field and Fields on its root (callers hold only the gjson.Result)
// answer without skimming the "item" tree again. The weak pointer keeps
// no Document alive; while the topLevel lives, its values keep the text
// alive, so the address cannot have been reused by other text.
var lastRoot atomic.Pointer[rootMemo]

const memoMin = 64 << 10 // below this a skim is cheaper than the bookkeeping

type rootMemo struct {
	text     *byte
	n, index int
	top      weak.Pointer[topLevel]
}

// memoized returns the top level recorded for obj, or nil.
func memoized(obj gjson.Result) *topLevel {
	if len(obj.Raw) < memoMin {
		return nil
	}
	m := lastRoot.Load()
	if m == nil || m.text != unsafe.StringData(obj.Raw) || m.n != len(obj.Raw) || m.index != obj.Index {
		return nil
	}
	return m.top.Value()
}

// Body returns the JSON text (without a BOM). Callers must not modify it.
func (d *Document) Body() []byte { return d.body }

// ValueAt returns the JSON value at body offsets [start, end), as a
// Result's Index and len(Raw) give them: a caller that keeps many values
// can keep two offsets each instead of a Result.
func (d *Document) ValueAt(start, end int) gjson.Result {
	base := d.root.Index
	if start < base || end > base+len(d.root.Raw) || start >= end {
		return gjson.Result{}
	}
	return resultAt(d.root.Raw, start-base, end-base, base)
}

// Root returns the top-level JSON object, with absolute byte offsets into
// Body.
func (d *Document) Root() gjson.Result { return d.root }

// Bytes returns the whole file as read, BOM included.
func (d *Document) Bytes() []byte {
	if len(d.bom) == 0 {
		return d.body
	}
	return append(append([]byte{}, d.bom...), d.body...)
}

// InputError is a problem with a user's file: it names the file, the
// position when there is one, what is wrong and what to do.
type InputError struct {
	File string
	Pos  Position // zero when the problem is not at one place
	Path string   // JSON path, when known
	Msg  string
	Hint string // what to do; may be empty
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Pos.Line, e.Pos.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Parse validates data as a Postman file and detects its kind. name is
// used in error messages only. Parse does not copy data; the caller must
// not modify it afterwards.
func Parse(name string, data []byte) (*Document, error) {
	doc, err := parseJSON(name, data)
	if err != nil {
		return nil, err
	}
	if doc.Kind, err = detectKind(doc, false); err != nil {
		return nil, err
	}
	return doc, nil
}

// ParseLegacy is Parse that also accepts what can be scanned but not
// rewritten: v1 collections (KindCollection1) and Postman's "Export data"
// dumps (KindDump), which hold secrets as much as any export.
func ParseLegacy(name string, data []byte) (*Document, error) {
	doc, err := parseJSON(name, data)
	if err != nil {
		return nil, err
	}
	if doc.Kind, err = detectKind(doc, true); err != nil {
		return nil, err
	}
	return doc, nil
}

// parseJSON validates data as a JSON object and detects its style.
func parseJSON(name string, data []byte) (*Document, error) {
	bad := func(offset int, msg, hint string) error {
		return &InputError{File: name, Pos: positionOf(data, offset), Msg: msg, Hint: hint}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{File: name, Msg: "file is empty", Hint: "export the collection from Postman as Collection v2.1 JSON"}
	}
	if len(data) > math.MaxInt32 {
		return nil, &InputError{File: name, Msg: "file is 2 GiB or larger", Hint: "is this a Postman export?"}
	}
	if isUTF16(data) {
		return nil, &InputError{File: name, Msg: "file is UTF-16 encoded; pmprep reads UTF-8 only",
			Hint: "convert it first, e.g. iconv -f UTF-16 -t UTF-8"}
	}
	doc := &Document{Name: name, body: data}
	if bytes.HasPrefix(data, utf8BOM) {
		doc.bom, doc.body = data[:3], data[3:]
	}
	// A large object's item tree is read (topLevel) while another core
	// validates the text: the skimmer is safe on any bytes, and what it
	// found is dropped with the Document when the text turns out invalid.
	start := jsontext.SkipSpace(doc.body, 0)
	var err error
	if len(doc.body) >= 1<<20 && start < len(doc.body) && doc.body[start] == '{' {
		valid := make(chan error, 1)
		go func() { valid <- checkTextFaultSafe(doc.body) }()
		doc.setRoot(start)
		doc.topLevel()
		err = <-valid
		var f *memoryFault
		if errors.As(err, &f) {
			// The caller's own fault handling (it mapped the file) sees
			// the fault on its goroutine, as if it had happened there.
			panic(f.value)
		}
	} else {
		err = checkText(doc.body)
	}
	if err != nil {
		var se *syntaxError
		var de *duplicateKeyError
		switch {
		case errors.Is(err, errInvalidUTF8):
			off := len(doc.bom) + firstInvalidUTF8(doc.body)
			return nil, bad(off, "invalid UTF-8", "save the file as UTF-8")
		case errors.As(err, &se):
			return nil, bad(len(doc.bom)+se.offset, "invalid JSON: "+se.msg, "is this a complete Postman export?")
		case errors.As(err, &de):
			return nil, bad(len(doc.bom)+de.offset, "duplicate key "+de.quotedKey(),
				"Postman and newman keep only the last one; remove the other")
		}
		return nil, err
	}
	if doc.body[start] != '{' && !(doc.body[start] == '[' && looksLikeVariableList(doc.body[start:])) {
		return nil, bad(len(doc.bom)+start, "expected a JSON object at the top level, found "+jsonTypeName(doc.body[start]),
			"pmprep reads Postman collection, environment and globals exports")
	}
	if !doc.root.Exists() {
		doc.setRoot(start)
	}
	doc.Style = detectStyle(doc.body)
	return doc, nil
}

var errInvalidUTF8 = errors.New("invalid UTF-8")

// memoryFault carries a panic — a memory fault (a mapped file truncated
// while it is read), or a bug — from the validating goroutine to the one
// that called Parse, where the caller's recover can see it.
type memoryFault struct{ value any }

func (f *memoryFault) Error() string { return fmt.Sprint(f.value) }

// checkTextFaultSafe is checkText for another goroutine: a caller that
// maps its input handles faults with debug.SetPanicOnFault, which covers
// its own goroutine only, so a fault here is caught and handed back. So is
// any other panic: on this goroutine it would kill the process with Go's
// exit code 2, which is the code of bad input.
func checkTextFaultSafe(body []byte) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &memoryFault{r}
		}
	}()
	return checkText(body)
}

// checkText checks that body is UTF-8 and one JSON value.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return errInvalidUTF8
	}
	return validate(body)
}

// setRoot sets the root value, which starts at body[start].
func (d *Document) setRoot(start int) {
	end := len(bytes.TrimRight(d.body, " \t\r\n"))
	// Zero-copy view: gjson results then point into the caller's bytes, and
	// their Index fields are absolute offsets into body.
	text := unsafe.String(&d.body[0], len(d.body))
	d.root = gjson.Parse(text[start:end])
	d.root.Index = start
}

func detectKind(doc *Document, legacy bool) (Kind, error) {
	root := doc.root
	if root.IsArray() {
		return KindGlobals, nil // the older globals export: a bare list of variables
	}
	top := doc.topLevel().fields
	info, item := top["info"], top["item"]
	fail := func(r gjson.Result, path, msg, hint string) (Kind, error) {
		e := &InputError{File: doc.Name, Path: path, Msg: msg, Hint: hint}
		if r.Exists() {
			e.Pos = positionOf(doc.Bytes(), len(doc.bom)+r.Index)
		}
		return 0, e
	}
	const v1Hint = "this looks like a Postman v1 collection; convert it with postman-collection-transformer (npx postman-collection-transformer convert -i in.json -o out.json -j 1.0.0 -p 2.1.0) or re-export it as v2.1"
	switch {
	case info.Exists():
		if !info.IsObject() {
			return fail(info, "info", "expected an object", "")
		}
		schema := info.Get("schema").String()
		switch {
		case strings.Contains(schema, "/v1.") && legacy:
			return KindCollection1, nil
		case strings.Contains(schema, "/v1."):
			return fail(info, "info.schema", "Postman collection v1 is not supported", v1Hint)
		case item.Exists() && !item.IsArray():
			return fail(item, "item", "expected an array of folders and requests", "is this a Postman v2 collection export?")
		case !item.Exists():
			return fail(info, "", `collection has no "item" array`, "export the collection from Postman as Collection v2.1 JSON")
		case strings.Contains(schema, "/v2.0."):
			return KindCollection20, nil
		case schema == "" || strings.Contains(schema, "/v2.1."):
			return KindCollection21, nil
		default:
			return fail(info.Get("schema"), "info.schema", "unknown collection schema", "pmprep reads Postman collection v2.1 and v2.0")
		}
	case legacy && (top["collections"].IsArray() || top["environments"].IsArray()) && top["version"].Exists():
		return KindDump, nil
	case (top["requests"].Exists() || top["order"].Exists() || top["folders"].Exists()) && legacy:
		return KindCollection1, nil
	case top["requests"].Exists() || top["order"].Exists() || top["folders"].Exists():
		return fail(root, "", "Postman collection v1 is not supported", v1Hint)
	case top["values"].IsArray():
		if top["_postman_variable_scope"].String() == "globals" {
			return KindGlobals, nil
		}
		return KindEnvironment, nil
	}
	return fail(root, "", "not a Postman collection, environment or globals file (no \"info\" and \"item\", no \"values\")",
		"export it from Postman as Collection v2.1 JSON")
}

// looksLikeVariableList recognises the older globals export, a bare array
// of {"key": …, "value": …} objects.
func looksLikeVariableList(arr []byte) bool {
	first := gjson.GetBytes(arr, "0")
	return first.IsObject() && first.Get("key").Exists()
}

// PositionOf is the line and column of r, a value of d's root (from Root,
// Field or ForEach, which keep absolute offsets), in the file as read.
func (d *Document) PositionOf(r gjson.Result) Position {
	return positionOf(d.Bytes(), len(d.bom)+r.Index)
}

// Variables returns the variable list of an environment or globals file.
func (d *Document) Variables() gjson.Result {
	if d.root.IsArray() {
		return d.root
	}
	v, _ := d.topField("values")
	return v
}

// isUTF16 recognises UTF-16 by its BOM or by NUL bytes beside the first
// character, which a UTF-8 JSON file never has.
func isUTF16(data []byte) bool {
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return true
	}
	return len(data) >= 2 && (data[0] == 0 || data[1] == 0)
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func jsonTypeName(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
