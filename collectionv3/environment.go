package collectionv3

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"go.yaml.in/yaml/v3"
)

// NewEnvironment renders a v3 environment file (*.environment.yaml) as
// `postman environment new` and `var set` write them: name, then values
// as {key, value, type, enabled}. Strings are double-quoted, so any value
// is written safely; the same input gives the same bytes.
func NewEnvironment(name string, vars []collection.EnvVar) []byte {
	var b strings.Builder
	b.WriteString("name: " + quote(name) + "\n")
	if len(vars) == 0 {
		b.WriteString("values: []\n")
		return []byte(b.String())
	}
	b.WriteString("values:\n")
	for _, v := range vars {
		writeEnvVar(&b, "  ", v, "\n")
	}
	return []byte(b.String())
}

func writeEnvVar(b *strings.Builder, indent string, v collection.EnvVar, nl string) {
	b.WriteString(indent + "- key: " + quote(v.Key) + nl)
	b.WriteString(indent + "  value: " + quote(v.Value) + nl)
	if v.Secret {
		b.WriteString(indent + "  type: secret" + nl)
	}
	b.WriteString(indent + "  enabled: true" + nl)
}

// UpdateEnvironment sets the managed variables in an existing v3
// environment file: a variable present gets its value (and stays where it
// is, with its comments and other keys); a missing one is appended to
// values in the file's indentation and line ends. The user's other
// variables and every other byte stay; a variable vars declares empty (a
// secret, an input) keeps the value the user filled in.
func UpdateEnvironment(name string, data []byte, vars []collection.EnvVar) ([]byte, error) {
	top, err := ParseYAML(name, data)
	if err != nil {
		return nil, err
	}
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	_, values := Lookup(top, "values")
	have := map[string]Entry{}
	if values != nil {
		if values.Kind != yaml.SequenceNode {
			return nil, &collection.InputError{File: name, Pos: Pos(values), Msg: "values is not a list", Hint: "an environment's values are a list of {key, value}"}
		}
		for _, e := range Entries(values) {
			have[e.Key] = e
		}
	}
	var replace []struct {
		node *yaml.Node
		text string
	}
	var missing []collection.EnvVar
	for _, v := range vars {
		e, ok := have[v.Key]
		switch {
		case !ok:
			missing = append(missing, v)
		case e.Value == nil || e.Value.Kind != yaml.ScalarNode:
			return nil, &collection.InputError{File: name, Pos: Pos(e.KeyNode), Msg: fmt.Sprintf("variable %s has no scalar value", v.Key), Hint: "give it `value: \"\"`"}
		case v.Value == "":
			// A secret or an input declared empty: keep what the user put
			// there (pmprep strip blanks secrets before a commit).
		case e.Value.Value != v.Value:
			replace = append(replace, struct {
				node *yaml.Node
				text string
			}{e.Value, quote(v.Value)})
		}
	}
	type splice struct {
		start, end int
		text       string
	}
	var sp []splice
	lines := lineStarts(data)
	for _, r := range replace {
		start, err := offsetOf(data, lines, r.node.Line, r.node.Column)
		if err != nil {
			return nil, err
		}
		start = skipProperties(data, start)
		end, _, err := scalarEnd(data, start, r.node)
		if err != nil {
			return nil, &collection.InputError{File: name, Pos: Pos(r.node), Msg: err.Error()}
		}
		sp = append(sp, splice{start, end, r.text})
	}
	if len(missing) > 0 {
		s, err := appendVars(name, data, lines, top, values, missing, nl)
		if err != nil {
			return nil, err
		}
		sp = append(sp, splice{s.at, s.end, s.text})
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	var out bytes.Buffer
	at := 0
	for _, s := range sp {
		out.Write(data[at:s.start])
		out.WriteString(s.text)
		at = s.end
	}
	out.Write(data[at:])
	if _, err := ParseYAML(name, out.Bytes()); err != nil {
		return nil, fmt.Errorf("%s: the updated environment does not parse (a bug in pmprep): %v", name, err)
	}
	return out.Bytes(), nil
}

type insertion struct {
	at, end int
	text    string
}

// appendVars places new variables after the last element of values, or
// replaces an empty flow list ([]), or adds values at the end of the file.
func appendVars(name string, data []byte, lines []int, top, values *yaml.Node, vars []collection.EnvVar, nl string) (insertion, error) {
	var b strings.Builder
	if values == nil || len(values.Content) == 0 {
		if values != nil {
			if values.Style&yaml.FlowStyle == 0 {
				return insertion{}, &collection.InputError{File: name, Pos: Pos(values), Msg: "empty values list in an unexpected form", Hint: "write `values: []`"}
			}
			// values: [] → a block list after the key.
			start, err := offsetOf(data, lines, values.Line, values.Column)
			if err != nil {
				return insertion{}, err
			}
			end := bytes.IndexByte(data[start:], ']')
			if end < 0 {
				return insertion{}, &collection.InputError{File: name, Pos: Pos(values), Msg: "unterminated []"}
			}
			// Drop the space before [] too: "values:" ends the line.
			for start > 0 && data[start-1] == ' ' {
				start--
			}
			b.WriteString(nl)
			for _, v := range vars {
				writeEnvVar(&b, "  ", v, nl)
			}
			text := strings.TrimSuffix(b.String(), nl)
			return insertion{start, start + bytes.IndexByte(data[start:], ']') + 1, text}, nil
		}
		// No values key: add one at the end of the file.
		at := len(data)
		if at > 0 && data[at-1] != '\n' {
			b.WriteString(nl)
		}
		b.WriteString("values:" + nl)
		for _, v := range vars {
			writeEnvVar(&b, "  ", v, nl)
		}
		return insertion{at, at, b.String()}, nil
	}
	if values.Style&yaml.FlowStyle != 0 {
		return insertion{}, &collection.InputError{File: name, Pos: Pos(values), Msg: "values is a flow list ([...])", Hint: "write it as a block list (one `- key:` per line) to let pmprep add variables"}
	}
	first := values.Content[0]
	// The indentation of "- ": the first element's line up to its dash.
	ls := lines[first.Line-1]
	dash := bytes.IndexByte(data[ls:], '-')
	indent := string(data[ls : ls+max(dash, 0)])
	if strings.TrimSpace(indent) != "" {
		indent = "  "
	}
	// After the last line of the list: the last scalar under it, to the end
	// of its line (a block scalar to its last line).
	lastNode := lastScalar(values)
	off, err := offsetOf(data, lines, lastNode.Line, lastNode.Column)
	if err != nil {
		return insertion{}, err
	}
	off = skipProperties(data, off)
	end, _, err := scalarEnd(data, off, lastNode)
	if err != nil {
		return insertion{}, &collection.InputError{File: name, Pos: Pos(lastNode), Msg: err.Error()}
	}
	at := bytes.IndexByte(data[end:], '\n')
	if at < 0 {
		at = len(data)
		b.WriteString(nl)
	} else {
		at = end + at + 1
	}
	for _, v := range vars {
		writeEnvVar(&b, indent, v, nl)
	}
	return insertion{at, at, b.String()}, nil
}

// lastScalar is the scalar that ends a block node (its last descendant).
func lastScalar(n *yaml.Node) *yaml.Node {
	for n.Kind != yaml.ScalarNode && len(n.Content) > 0 {
		n = resolve(n.Content[len(n.Content)-1])
	}
	return n
}
