package collection

import (
	"github.com/pmprep/pmprep/internal/jsontext"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Item is a folder or a request met by Walk. All results carry absolute
// offsets into the Document's body, so they can be handed to an Editor.
type Item struct {
	Path    string                  // JSON path, e.g. item[2].item[0]
	Value   gjson.Result            // the item object
	Fields  map[string]gjson.Result // the item's members
	Folder  bool                    // has an "item" array
	Request gjson.Result            // the request: an object, or a URL string in v2; absent for folders
	// AuthHolder is the object that holds this item's auth: the folder
	// itself, or the request object. Absent for a request given as a string.
	AuthHolder gjson.Result
	AuthPath   string       // JSON path of the auth member
	Auth       gjson.Result // the auth value; absent when the item inherits
	Parent     *Item        // nil at the top level; like the Item, valid during the visit only
	Depth      int          // 0 for top-level items

	tree   *itemTree // for Member, when Fields is nil (WalkMembers)
	m0, m1 int32
}

// Walk calls visit for every folder and request of a collection, parents
// before children, in document order. A visit error stops the walk.
//
// The *Item, its Parent chain and its Fields map are valid during the call
// only (Walk reuses them): keep the values and strings, not the Item.
//
// The item tree is read once per Document, while its top level is (so a
// folder's subtree is skimmed once, not once per level and per walk), and
// the visits run over that record.
func Walk(doc *Document, visit func(*Item) error) error {
	t := doc.topLevel().items
	if t == nil {
		return nil
	}
	return t.visit(visit, true)
}

// WalkMembers is Walk without Item.Fields (nil): a visitor that reads a
// few members asks Item.Member, which answers from the walk's record
// without building a map per item.
func WalkMembers(doc *Document, visit func(*Item) error) error {
	t := doc.topLevel().items
	if t == nil {
		return nil
	}
	return t.visit(visit, false)
}

// Member returns the item's member key (the first of duplicates).
func (it *Item) Member(key string) (gjson.Result, bool) {
	if it.Fields != nil {
		v, ok := it.Fields[key]
		return v, ok
	}
	if it.tree == nil {
		return gjson.Result{}, false
	}
	return it.tree.member(it.m0, it.m1, key)
}

// ItemCount is the number of folders and requests Walk visits.
func ItemCount(doc *Document) int {
	if t := doc.topLevel().items; t != nil {
		return len(t.nodes)
	}
	return 0
}

// itemTree is the layout of a collection's items, in document order, with
// offsets into the Document's body.
type itemTree struct {
	text    string // the body
	nodes   []itemNode
	members []memberSpan
}

// itemNode is one item object: a folder or a request. Offsets are int32
// (Parse refuses files of 2 GiB and more) to keep the record small.
type itemNode struct {
	start, end int32 // the object
	index      int32 // position in its parent's "item" array
	depth      int32
	m0, m1     int32 // its members: members[m0:m1]
	children   int32 // members index of its "item" array, or -1
	// The request object, its members (members[r0:r1]) and its "auth"
	// value, or -1: noted while skimming the request.
	reqStart, reqEnd, r0, r1 int32
	authStart, authEnd       int32
}

// memberSpan is one member of an object: its quoted key, its value.
type memberSpan struct {
	keyStart, keyEnd, start, end int32
}

func (t *itemTree) key(m memberSpan) string {
	k := t.text[m.keyStart+1 : m.keyEnd-1]
	if strings.IndexByte(k, '\\') < 0 {
		return k
	}
	return keyAt(t.text, int(m.keyStart))
}

func (t *itemTree) value(m memberSpan) gjson.Result {
	return resultAt(t.text, int(m.start), int(m.end), 0)
}

// scanArray records the items of the "item" array at text[i] and returns
// the offset just past it.
func (t *itemTree) scanArray(i, depth int) int {
	s := t.text
	i++ // '['
	for index := 0; ; index++ {
		i = jsontext.SkipSpace(s, i)
		if i >= len(s) || s[i] == ']' {
			return min(i+1, len(s))
		}
		if s[i] == '{' && depth < maxDepth/2 { // deeper is invalid (Parse refuses it), and would be deep recursion
			i = t.scanItem(i, index, depth)
		} else {
			i = skipValue(s, i) // not an item; the schema forbids it, and there is nothing to edit
		}
		i = jsontext.SkipSpace(s, i)
		if i >= len(s) || s[i] != ',' {
			return min(i+1, len(s))
		}
		i++
	}
}

// scanItem records the item object at text[i] and the items below it,
// and returns the offset just past it.
func (t *itemTree) scanItem(i, index, depth int) int {
	s := t.text
	n := len(t.nodes)
	t.nodes = append(t.nodes, itemNode{start: int32(i), index: int32(index), depth: int32(depth), children: -1, reqStart: -1, reqEnd: -1, r0: -1, r1: -1, authStart: -1, authEnd: -1})
	// The members are kept aside while the children are scanned, so that
	// each node's members stay contiguous.
	var buf, reqBuf [8]memberSpan
	members, req := buf[:0], reqBuf[:0]
	children, sawItem, sawRequest := -1, false, false
	reqStart, reqEnd, a0, a1 := -1, -1, -1, -1
	i++ // '{'
	for {
		i = jsontext.SkipSpace(s, i)
		if i >= len(s) || s[i] != '"' {
			break // '}', or malformed
		}
		ks, ke := i, skipString(s, i)
		i = jsontext.SkipSpace(s, ke)
		if i >= len(s) || s[i] != ':' {
			break
		}
		vs := jsontext.SkipSpace(s, i+1)
		key := t.key(memberSpan{keyStart: int32(ks), keyEnd: int32(ke)})
		var ve int
		switch {
		case key == "item" && !sawItem && vs < len(s) && s[vs] == '[':
			children = len(members)
			ve = t.scanArray(vs, depth+1)
		case key == "request" && !sawRequest && vs < len(s) && s[vs] == '{':
			// Skim the request member by member (the same one pass), for
			// its auth and for the Editor.
			reqStart = vs
			ve = eachChildAt(s, vs, func(rks, rvs, rve int) bool {
				m := memberSpan{int32(rks), int32(skipString(s, rks)), int32(rvs), int32(rve)}
				if a0 < 0 && t.key(m) == "auth" {
					a0, a1 = rvs, rve
				}
				req = append(req, m)
				return true
			})
			reqEnd = ve
		default:
			ve = skipValue(s, vs)
		}
		// A duplicate "item" or "request" is not used, as Fields keeps the first.
		sawItem = sawItem || key == "item"
		sawRequest = sawRequest || key == "request"
		members = append(members, memberSpan{int32(ks), int32(ke), int32(vs), int32(ve)})
		i = jsontext.SkipSpace(s, ve)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i++
	}
	nd := &t.nodes[n]
	end := min(i+1, len(s))
	nd.end = int32(end)
	nd.m0 = int32(len(t.members))
	t.members = append(t.members, members...)
	nd.m1 = int32(len(t.members))
	if children >= 0 {
		nd.children = nd.m0 + int32(children)
	}
	if reqStart >= 0 {
		nd.reqStart, nd.reqEnd, nd.authStart, nd.authEnd = int32(reqStart), int32(reqEnd), int32(a0), int32(a1)
		nd.r0 = int32(len(t.members))
		t.members = append(t.members, req...)
		nd.r1 = int32(len(t.members))
	}
	return end
}

// membersOf returns the members of obj when it is an item or request
// object of the tree, or ok=false.
func (t *itemTree) membersOf(obj gjson.Result) (m []memberSpan, ok bool) {
	if t == nil || !obj.IsObject() {
		return nil, false
	}
	offset, end := obj.Index, obj.Index+len(obj.Raw)
	// Nodes are in document order: the last one starting at or before
	// offset is the item itself or the item holding the request.
	k := sort.Search(len(t.nodes), func(k int) bool { return int(t.nodes[k].start) > offset }) - 1
	if k < 0 {
		return nil, false
	}
	nd := &t.nodes[k]
	switch {
	case offset == int(nd.start) && end == int(nd.end):
		return t.members[nd.m0:nd.m1], true
	case offset == int(nd.reqStart) && end == int(nd.reqEnd):
		return t.members[nd.r0:nd.r1], true
	}
	return nil, false
}

// field is Field, answered from the item tree when obj is an item or a
// request.
func (d *Document) field(obj gjson.Result, key string) (gjson.Result, bool) {
	if ms, ok := d.topLevel().items.membersOf(obj); ok {
		t := d.topLevel().items
		for _, m := range ms {
			if t.key(m) == key {
				return t.value(m), true
			}
		}
		return gjson.Result{}, false
	}
	return Field(obj, key)
}

func hasKey(m map[string]gjson.Result, k string) bool { _, ok := m[k]; return ok }

// member returns the first member key among members[m0:m1].
func (t *itemTree) member(m0, m1 int32, key string) (gjson.Result, bool) {
	for _, m := range t.members[m0:m1] {
		if t.key(m) == key {
			return t.value(m), true
		}
	}
	return gjson.Result{}, false
}

// request returns an item's "request" member.
func (t *itemTree) request(nd *itemNode) (gjson.Result, bool) {
	if nd.reqStart >= 0 {
		return resultAt(t.text, int(nd.reqStart), int(nd.reqEnd), 0), true
	}
	return t.member(nd.m0, nd.m1, "request") // a v2.0 URL string, or no object
}

// visit builds each Item from the record and calls visit on it, parents
// first. One Item (and Fields map) per depth is reused: a 40,000-request
// collection would otherwise allocate 60 MB of them.
func (t *itemTree) visit(visit func(*Item) error, withFields bool) error {
	var slots []*Item         // slots[d]: the item at depth d; slots[:d] are the current item's ancestors
	paths := []string{"item"} // paths[d] is the path of the "item" array at depth d
	for k := range t.nodes {
		nd := &t.nodes[k]
		d := int(nd.depth)
		paths = paths[:d+1]
		if d == len(slots) {
			slots = append(slots, &Item{})
			if withFields {
				slots[d].Fields = make(map[string]gjson.Result, 8)
			}
		}
		it := slots[d]
		fields := it.Fields
		clear(fields)
		*it = Item{Fields: fields, Depth: d, tree: t, m0: nd.m0, m1: nd.m1}
		if d > 0 {
			it.Parent = slots[d-1]
		}
		p := paths[d] + "[" + strconv.Itoa(int(nd.index)) + "]"
		v := resultAt(t.text, int(nd.start), int(nd.end), 0)
		if withFields {
			for _, m := range t.members[nd.m0:nd.m1] {
				if k := t.key(m); !hasKey(fields, k) {
					fields[k] = t.value(m)
				}
			}
		}
		it.Path, it.Value = p, v
		it.Folder = nd.children >= 0
		if it.Folder {
			it.AuthHolder, it.AuthPath = v, p+".auth"
			it.Auth, _ = t.member(nd.m0, nd.m1, "auth")
		} else if req, ok := t.request(nd); ok {
			it.Request = req
			if req.IsObject() {
				it.AuthHolder, it.AuthPath = req, p+".request.auth"
				if nd.authStart >= 0 {
					it.Auth = resultAt(t.text, int(nd.authStart), int(nd.authEnd), 0)
				}
			}
		}
		if err := visit(it); err != nil {
			return err
		}
		paths = append(paths, p+".item")
	}
	return nil
}

// AuthType returns an auth block's type, or "" when the value is absent,
// null or not an object (all of which inherit in Postman).
func AuthType(auth gjson.Result) string {
	if !auth.IsObject() {
		return ""
	}
	t, _ := Field(auth, "type")
	return t.String()
}

// KV is a key and a string value, in file order.
type KV struct {
	Key, Value string
	Result     gjson.Result // the value in the file
}

// AuthParams returns the parameters of an auth block of the given type, in
// both forms Postman uses: v2.1's [{"key": …, "value": …}] and v2.0's
// {"key": value}.
func AuthParams(auth gjson.Result, typ string) []KV {
	p, ok := Field(auth, typ)
	if !ok {
		return nil
	}
	var out []KV
	switch {
	case p.IsArray():
		n := 0
		eachChild(p.Raw, func(int, int, int) bool { n++; return true })
		out = make([]KV, 0, n) // one allocation: this runs for every auth block of a collection
		eachChild(p.Raw, func(_, vs, ve int) bool {
			if p.Raw[vs] == '{' {
				var f [2]gjson.Result
				pick(resultAt(p.Raw, vs, ve, p.Index), paramKeys, f[:])
				out = append(out, KV{Key: f[0].String(), Value: f[1].String(), Result: f[1]})
			}
			return true
		})
	case p.IsObject():
		p.ForEach(func(k, v gjson.Result) bool {
			out = append(out, KV{Key: k.Str, Value: v.String(), Result: v})
			return true
		})
	}
	return out
}

var paramKeys = []string{"key", "value"}

// EachAuthParam calls f with the key and the raw JSON text of each
// parameter value of an auth block of the given type (both forms, as
// AuthParams), until f returns false. Nothing is copied or unescaped but
// keys that hold escapes: inject reads every request's auth with it.
func EachAuthParam(auth gjson.Result, typ string, f func(key, raw string) bool) {
	raw := auth.Raw
	if len(raw) < 2 || raw[0] != '{' {
		return
	}
	ps, pe := -1, -1
	eachChild(raw, func(ks, vs, ve int) bool {
		if keyAt(raw, ks) == typ {
			ps, pe = vs, ve
			return false
		}
		return true
	})
	if ps < 0 {
		return
	}
	p := raw[ps:pe]
	switch p[0] {
	case '{':
		eachChild(p, func(ks, vs, ve int) bool { return f(keyAt(p, ks), p[vs:ve]) })
	case '[':
		eachChild(p, func(_, es, ee int) bool {
			el := p[es:ee]
			if el[0] != '{' {
				return true
			}
			key, value, hasKey := "", "", false
			eachChild(el, func(ks, vs, ve int) bool {
				switch keyAt(el, ks) {
				case "key":
					key, hasKey = StringValue(el[vs:ve])
				case "value":
					value = el[vs:ve]
				}
				return true
			})
			if hasKey {
				return f(key, value)
			}
			return true
		})
	}
}

// StringValue returns the text of a raw JSON string ("" and false when raw
// is not one), unescaping only when it holds escapes.
func StringValue(raw string) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	return gjson.Parse(raw).String(), true
}

// AuthParamValue returns the value of one parameter of an auth block of
// the given type (both forms, as AuthParams), without listing the others.
func AuthParamValue(auth gjson.Result, typ, key string) (string, bool) {
	value, found := "", false
	EachAuthParam(auth, typ, func(k, raw string) bool {
		if k != key {
			return true
		}
		found = true
		if s, ok := StringValue(raw); ok {
			value = s
		} else if raw != "null" {
			value = raw
		}
		return false
	})
	return value, found
}

// Member returns key's value in obj, answered from the item tree when obj
// is an item or request object (their members were noted while parsing).
func (d *Document) Member(obj gjson.Result, key string) (gjson.Result, bool) {
	return d.field(obj, key)
}

// Param returns the value of key among params.
func Param(params []KV, key string) (string, bool) {
	for _, p := range params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

func itoa(i int) string { return strconv.Itoa(i) }
