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
func Walk(doc *Document, visit func(*Item) error) error {
	items, ok := Field(doc.root, "item")
	if !ok || !items.IsArray() {
		return nil
	}
	return walkItems(items, "item", nil, 0, visit)
}

func walkItems(items gjson.Result, path string, parent *Item, depth int, visit func(*Item) error) error {
	var err error
	i := 0
	items.ForEach(func(_, v gjson.Result) bool {
		p := path + "[" + strconv.Itoa(i) + "]"
		i++
		if !v.IsObject() {
			return true // not an item; the schema forbids it, and there is nothing to edit
		}
		it := &Item{Path: p, Value: v, Fields: Fields(v), Parent: parent, Depth: depth}
		children, isFolder := it.Fields["item"]
		it.Folder = isFolder && children.IsArray()
		if it.Folder {
			it.AuthHolder, it.AuthPath = v, p+".auth"
		} else if req, ok := it.Fields["request"]; ok {
			it.Request = req
			if req.IsObject() {
				it.AuthHolder, it.AuthPath = req, p+".request.auth"
			}
		}
		if it.AuthHolder.Exists() {
			if a, ok := Field(it.AuthHolder, "auth"); ok {
				it.Auth = a
			}
		}
		if err = visit(it); err != nil {
			return false
		}
		if it.Folder {
			err = walkItems(children, p+".item", it, depth+1, visit)
		}
		return err == nil
	})
	return err
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
				f := Fields(e)
				out = append(out, KV{Key: f["key"].String(), Value: f["value"].String(), Result: f["value"]})
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
