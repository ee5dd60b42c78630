package collection

import (
	"strconv"

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
	Parent     *Item        // nil at the top level
	Depth      int          // 0 for top-level items
}

// Walk calls visit for every folder and request of a collection, parents
// before children, in document order. A visit error stops the walk.
//
// Walk reads the item tree in one pass: a first scan records where every
// item and its members are (so a folder's "item" subtree is skimmed once,
// not once per level), then the visits run over that record.
func Walk(doc *Document, visit func(*Item) error) error {
	items, ok := doc.topField("item")
	if !ok || !items.IsArray() {
		return nil
	}
	var t itemTree
	t.text = items.Raw
	t.base = items.Index
	t.scanArray(0, 0)
	return t.visit(visit)
}

// itemTree is the layout of a collection's items, in document order.
type itemTree struct {
	text    string // the top-level "item" array
	base    int    // its offset in the body
	nodes   []itemNode
	members []memberSpan
}

// itemNode is one item object: a folder or a request.
type itemNode struct {
	start, end int // the object, in text
	index      int // position in its parent's "item" array
	depth      int
	m0, m1     int // its members: members[m0:m1]
	children   int // members index of its "item" array, or -1
	// The request's "auth" value, found while skimming the request, or -1.
	authStart, authEnd int
}

type memberSpan struct {
	key        string
	start, end int // the value, in text
}

// scanArray records the items of the "item" array at text[i] and returns
// the offset just past it.
func (t *itemTree) scanArray(i, depth int) int {
	s := t.text
	i++ // '['
	for index := 0; ; index++ {
		i = skipWS(s, i)
		if i >= len(s) || s[i] == ']' {
			return i + 1
		}
		if s[i] == '{' {
			i = t.scanItem(i, index, depth)
		} else {
			i = skipValue(s, i) // not an item; the schema forbids it, and there is nothing to edit
		}
		i = skipWS(s, i)
		if i >= len(s) || s[i] != ',' {
			return i + 1
		}
		i++
	}
}

// scanItem records the item object at text[i] and the items below it,
// and returns the offset just past it.
func (t *itemTree) scanItem(i, index, depth int) int {
	s := t.text
	n := len(t.nodes)
	t.nodes = append(t.nodes, itemNode{start: i, index: index, depth: depth, children: -1, authStart: -1})
	// The members are kept aside while the children are scanned, so that
	// each node's members stay contiguous.
	var buf [8]memberSpan
	members := buf[:0]
	children, sawItem, sawRequest := -1, false, false
	i++ // '{'
	for {
		i = skipWS(s, i)
		if i >= len(s) || s[i] != '"' {
			break // '}', or malformed
		}
		ks := i
		i = skipWS(s, skipString(s, i))
		if i >= len(s) || s[i] != ':' {
			break
		}
		vs := skipWS(s, i+1)
		key := keyAt(s, ks)
		var ve int
		switch {
		case key == "item" && !sawItem && vs < len(s) && s[vs] == '[':
			children = len(members)
			ve = t.scanArray(vs, depth+1)
		case key == "request" && !sawRequest && vs < len(s) && s[vs] == '{':
			// Skim the request member by member (the same one pass) to note its auth.
			a0, a1 := -1, -1
			ve = eachChildAt(s, vs, func(ks, as, ae int) bool {
				if a0 < 0 && keyAt(s, ks) == "auth" {
					a0, a1 = as, ae
				}
				return true
			})
			t.nodes[n].authStart, t.nodes[n].authEnd = a0, a1
		default:
			ve = skipValue(s, vs)
		}
		// A duplicate "item" or "request" is not used, as Fields keeps the first.
		sawItem = sawItem || key == "item"
		sawRequest = sawRequest || key == "request"
		members = append(members, memberSpan{key, vs, ve})
		i = skipWS(s, ve)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i++
	}
	nd := &t.nodes[n]
	nd.end = min(i+1, len(s))
	nd.m0 = len(t.members)
	t.members = append(t.members, members...)
	nd.m1 = len(t.members)
	if children >= 0 {
		nd.children = nd.m0 + children
	}
	return nd.end
}

// visit builds each Item from the record and calls visit on it, parents
// first. Only the chain of ancestors is kept alive.
func (t *itemTree) visit(visit func(*Item) error) error {
	var parents []*Item // parents[d] is the folder at depth d above the current item
	var paths []string  // paths[d] is the path of the "item" array at depth d
	paths = append(paths, "item")
	for k := range t.nodes {
		nd := &t.nodes[k]
		parents, paths = parents[:nd.depth], paths[:nd.depth+1]
		var parent *Item
		if nd.depth > 0 {
			parent = parents[nd.depth-1]
		}
		p := paths[nd.depth] + "[" + strconv.Itoa(nd.index) + "]"
		v := resultAt(t.text, nd.start, nd.end, t.base)
		fields := make(map[string]gjson.Result, nd.m1-nd.m0)
		for _, m := range t.members[nd.m0:nd.m1] {
			if _, dup := fields[m.key]; !dup {
				fields[m.key] = resultAt(t.text, m.start, m.end, t.base)
			}
		}
		it := &Item{Path: p, Value: v, Fields: fields, Parent: parent, Depth: nd.depth}
		it.Folder = nd.children >= 0
		if it.Folder {
			it.AuthHolder, it.AuthPath = v, p+".auth"
		} else if req, ok := fields["request"]; ok {
			it.Request = req
			if req.IsObject() {
				it.AuthHolder, it.AuthPath = req, p+".request.auth"
			}
		}
		switch {
		case it.Folder:
			it.Auth = fields["auth"]
		case it.AuthHolder.Exists() && nd.authStart >= 0:
			it.Auth = resultAt(t.text, nd.authStart, nd.authEnd, t.base)
		}
		if err := visit(it); err != nil {
			return err
		}
		parents = append(parents, it)
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
		p.ForEach(func(_, e gjson.Result) bool {
			if e.IsObject() {
				var f [2]gjson.Result
				pick(e, paramKeys, f[:])
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
