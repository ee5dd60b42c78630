package collectionv3

import (
	"strings"

	"github.com/pmprep/pmprep/collection"
	"go.yaml.in/yaml/v3"
)

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Lookup returns the key and value nodes of key in the mapping m, or nils.
func Lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], resolve(m.Content[i+1])
		}
	}
	return nil, nil
}

// Get is Lookup's value.
func Get(m *yaml.Node, key string) *yaml.Node {
	_, v := Lookup(m, key)
	return v
}

// Str is the value of a scalar member, "" when absent or not a scalar.
func Str(m *yaml.Node, key string) string {
	if v := Get(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// Entry is one element of a v3 key/value collection, which the format
// writes either as a map (key: value) or, when an element has more than a
// value (description, disabled, type), as a list of {key, value, …}.
type Entry struct {
	Key      string
	KeyNode  *yaml.Node // the map key, or the list element's key value
	Value    *yaml.Node // nil when the element has none (formdata file fields have src)
	Elem     *yaml.Node // the list element (a mapping); nil in the map form
	Disabled bool
}

// Scalar is the entry's value when it is a scalar.
func (e Entry) Scalar() (string, bool) {
	if e.Value == nil || e.Value.Kind != yaml.ScalarNode {
		return "", false
	}
	return e.Value.Value, true
}

// Entries lists the elements of n in either form, in order. Elements that
// are neither (a scalar where a mapping belongs) are skipped: lint reports
// them, and they carry no key to act on.
func Entries(n *yaml.Node) []Entry {
	n = resolve(n)
	if n == nil {
		return nil
	}
	var out []Entry
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, Entry{Key: n.Content[i].Value, KeyNode: n.Content[i], Value: resolve(n.Content[i+1])})
		}
	case yaml.SequenceNode:
		for _, e := range n.Content {
			e = resolve(e)
			if e.Kind != yaml.MappingNode {
				continue
			}
			kn := Get(e, "key")
			if kn == nil {
				kn = Get(e, "name")
			}
			if kn == nil || kn.Kind != yaml.ScalarNode {
				continue
			}
			d := Get(e, "disabled")
			out = append(out, Entry{Key: kn.Value, KeyNode: kn, Value: Get(e, "value"), Elem: e,
				Disabled: d != nil && d.Kind == yaml.ScalarNode && d.Value == "true"})
		}
	}
	return out
}

// Pos is the position of n (1-based line and column, columns in characters).
func Pos(n *yaml.Node) collection.Position {
	if n == nil {
		return collection.Position{}
	}
	return collection.Position{Line: n.Line, Col: n.Column}
}

// errAt is an input error at n in f.
func errAt(f *File, n *yaml.Node, msg, hint string) error {
	return &collection.InputError{File: f.Path, Pos: Pos(n), Msg: msg, Hint: hint}
}

// scriptKinds are the script types pmprep knows, by where they stand: a
// collection or folder definition uses the protocol-qualified names, a
// request the short ones (see knownScript).
var scriptKinds = map[string]string{
	"http:beforeRequest": "prerequest",
	"http:afterResponse": "test",
	"beforeRequest":      "prerequest",
	"afterResponse":      "test",
}

// knownScript reports whether t is a script type where it stands: the
// http: types in definitions, the short ones in requests (measured with
// the Postman CLI 1.62.0: a request with an http: type fails to load in
// postman collection run, "Invalid input for model", though lint passes).
func knownScript(t string, inRequest bool) bool {
	if _, ok := scriptKinds[t]; !ok {
		return false
	}
	return inRequest != strings.HasPrefix(t, "http:")
}
