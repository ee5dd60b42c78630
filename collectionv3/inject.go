package collectionv3

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"go.yaml.in/yaml/v3"
)

// InjectEdit is what pmprep inject changes in a v3 collection directory,
// as package inject decided it and package script rendered it.
type InjectEdit struct {
	// PreRequest is the generated block (its lines); it goes into the
	// collection definition's http:beforeRequest script, replacing an
	// earlier block, else before the user's code.
	PreRequest []string
	// Test is the generated test block, or nil: it goes into the
	// http:afterResponse script the same way.
	Test []string
	// IsBegin and IsEnd recognise the block's fence lines.
	IsBegin, IsEnd func(string) bool
	// RemoveAuth are files whose top-level auth member is removed (the
	// request or folder then inherits, and nothing above sends a block).
	RemoveAuth []*File
	// NoAuth are files whose top-level auth becomes {type: noauth}.
	NoAuth []*File
	// DropHeaders are, by request file, header entries (from Entries of
	// its headers) that inject removes: stale bearer tokens on requests
	// that now get the managed token. A headers member left empty goes.
	DropHeaders map[*File][]Entry
	// Variables are declared in the collection's variables when no
	// variable of that key exists (an empty one gets the value): the
	// inputs an oauth2 block held, which inject removes.
	Variables []collection.Variable
}

// Change is one file's new bytes.
type Change struct {
	File *File
	Data []byte
}

// PlanInject computes the new bytes of every file inject changes, in the
// order of c.Files(); files whose bytes would not change are left out, so
// a second run returns nothing. Each file is one splice of its original
// bytes: the edited members (auth, the collection's scripts or the code of
// one script) are replaced, every other byte stays.
func PlanInject(c *Collection, e InjectEdit) ([]Change, error) {
	type fileEdits struct {
		removeAuth, noAuth bool
	}
	want := map[*File]*fileEdits{}
	get := func(f *File) *fileEdits {
		if want[f] == nil {
			want[f] = &fileEdits{}
		}
		return want[f]
	}
	for _, f := range e.RemoveAuth {
		get(f).removeAuth = true
	}
	for _, f := range e.NoAuth {
		get(f).noAuth = true
	}
	for f := range e.DropHeaders {
		get(f)
	}
	root := c.Root.Def
	if root == nil {
		return nil, &collection.InputError{File: c.Dir, Msg: "no .resources/definition.yaml", Hint: notV3Hint}
	}
	var out []Change
	for _, f := range c.Files() {
		fe := want[f]
		if fe == nil && f != root {
			continue
		}
		var sp []splice
		if fe != nil {
			_, v := Lookup(f.Doc, "auth")
			switch {
			case v == nil:
			case fe.removeAuth:
				s, err := memberSplice(f, "auth", "")
				if err != nil {
					return nil, err
				}
				sp = append(sp, s)
			case fe.noAuth:
				if Str(v, "type") == "noauth" && len(v.Content) == 2 {
					break // already
				}
				nl := lineEnd(f.Data)
				ind := indentUnit(f.Data)
				s, err := memberSplice(f, "auth", "auth:"+nl+ind+"type: noauth"+nl)
				if err != nil {
					return nil, err
				}
				sp = append(sp, s)
			}
			if drops := e.DropHeaders[f]; len(drops) > 0 {
				s, err := headerSplices(f, drops)
				if err != nil {
					return nil, err
				}
				sp = append(sp, s...)
			}
		}
		if f == root {
			s, tail, err := scriptSplices(f, e)
			if err != nil {
				return nil, err
			}
			sp = append(sp, s...)
			vs, vtail, err := variableSplices(f, e.Variables)
			if err != nil {
				return nil, err
			}
			sp = append(sp, vs...)
			// New members go at the end of the file, in one splice.
			if tail += vtail; tail != "" {
				at := len(f.Data)
				if at > 0 && f.Data[at-1] != '\n' {
					tail = lineEnd(f.Data) + tail
				}
				sp = append(sp, splice{start: at, end: at, text: tail})
			}
		}
		if len(sp) == 0 {
			continue
		}
		data, err := applySplices(f, sp)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(data, f.Data) {
			out = append(out, Change{File: f, Data: data})
		}
	}
	return out, nil
}

type splice struct {
	start, end int
	text       string
	// whole names the top-level member a splice replaces whole (from its
	// key's line to its value's last line) with a fixed text; "" for other
	// edits.
	whole string
}

// headerSplices removes the header entries drops from f's headers: each
// entry's lines (a map member, or a list element from its dash), or the
// whole headers member when no entry would be left.
func headerSplices(f *File, drops []Entry) ([]splice, error) {
	k, headers := Lookup(f.Doc, "headers")
	if k == nil {
		return nil, fmt.Errorf("%s: no headers (a bug in pmprep)", f.Path)
	}
	left := len(headers.Content)
	if headers.Kind == yaml.MappingNode {
		left /= 2
	}
	if left <= len(drops) {
		s, err := memberSplice(f, "headers", "")
		if err != nil {
			return nil, err
		}
		return []splice{s}, nil
	}
	if headers.Style&yaml.FlowStyle != 0 {
		return nil, errAt(f, headers, "headers is written in flow style, which pmprep does not edit", "write headers as a block (key: value lines), then run pmprep again")
	}
	lines := lineStarts(f.Data)
	var out []splice
	for _, d := range drops {
		if d.Elem == nil {
			start, end, err := memberRange(f, d.KeyNode)
			if err != nil {
				return nil, err
			}
			out = append(out, splice{start: start, end: end})
			continue
		}
		ls := lines[d.Elem.Line-1]
		dash := bytes.IndexByte(f.Data[ls:], '-')
		if dash < 0 || dash >= d.Elem.Column-1 || !onlySpaces(f.Data[ls:ls+dash]) {
			return nil, errAt(f, d.Elem, "cannot remove this header", "put each header on its own line starting with -")
		}
		out = append(out, splice{start: ls, end: valueEnd(f.Data, ls, dash, false)})
	}
	return out, nil
}

func applySplices(f *File, sp []splice) ([]byte, error) {
	// Sorted by start; inject makes a few per file.
	for i := 1; i < len(sp); i++ {
		for j := i; j > 0 && sp[j].start < sp[j-1].start; j-- {
			sp[j], sp[j-1] = sp[j-1], sp[j]
		}
	}
	size := len(f.Data)
	for _, s := range sp {
		size += len(s.text) - (s.end - s.start)
	}
	var out bytes.Buffer
	out.Grow(size)
	at := 0
	// Removing or replacing whole members of a block mapping cannot break
	// the file unless the removed bytes define an anchor used elsewhere:
	// only then, and for inserted text, is the result parsed again (the
	// check costs as much as reading the file).
	check := false
	for _, s := range sp {
		if s.start < at {
			return nil, fmt.Errorf("%s: overlapping edits at byte %d (a bug in pmprep)", f.Path, s.start)
		}
		check = check || s.whole == "" || bytes.IndexByte(f.Data[s.start:s.end], '&') >= 0
		out.Write(f.Data[at:s.start])
		out.WriteString(s.text)
		at = s.end
	}
	out.Write(f.Data[at:])
	if check {
		var doc yaml.Node
		if err := yaml.Unmarshal(out.Bytes(), &doc); err != nil {
			return nil, fmt.Errorf("%s: the edited file does not parse (a bug in pmprep): %v", f.Path, err)
		}
	}
	return out.Bytes(), nil
}

// memberSplice replaces the whole top-level member key (its key line to
// the last line of its value, with that line's end) by text; "" removes it.
func memberSplice(f *File, key, text string) (splice, error) {
	k, _ := Lookup(f.Doc, key)
	if k == nil {
		return splice{}, fmt.Errorf("%s: no %s (a bug in pmprep)", f.Path, key)
	}
	start, end, err := memberRange(f, k)
	if err != nil {
		return splice{}, err
	}
	return splice{start: start, end: end, text: text, whole: key}, nil
}

// memberRange is the byte range of a block mapping member whose key is k:
// from the start of the key's line to the end of the value's last line,
// line end included. The value's lines are those after the key's that are
// indented deeper than the key (or, for a sequence written at the key's
// indentation, start with "- "); blank lines and comments at the key's
// indentation after the value belong to what follows and stay.
func memberRange(f *File, k *yaml.Node) (int, int, error) {
	data := f.Data
	lines := lineStarts(data)
	if k.Line < 1 || k.Line > len(lines) {
		return 0, 0, errAt(f, k, "cannot edit here", "")
	}
	start := lines[k.Line-1]
	keyIndent := k.Column - 1
	if f.Doc.Style&yaml.FlowStyle != 0 || !onlySpaces(data[start:start+min(keyIndent, len(data)-start)]) {
		return 0, 0, errAt(f, k, "the mapping is written in flow style ({...}), which pmprep does not edit",
			"write the file in block style (as Postman does), then run pmprep again")
	}
	return start, valueEnd(data, start, keyIndent, true), nil
}

// valueEnd is where the node that starts on the line at start ends: after
// the last following line indented deeper than indent (or, with dashes,
// starting with "- " at indent: a sequence written at its key's
// indentation). Blank lines count only when more of the node follows.
func valueEnd(data []byte, start, indent int, dashes bool) int {
	end := nextLine(data, start)
	for at := end; at < len(data); {
		next := nextLine(data, at)
		line := bytes.TrimRight(data[at:next], "\r\n")
		trimmed := bytes.TrimLeft(line, " ")
		ind := len(line) - len(trimmed)
		switch {
		case len(trimmed) == 0:
		case ind > indent, dashes && ind == indent && (bytes.HasPrefix(trimmed, []byte("- ")) || bytes.Equal(trimmed, []byte("-"))):
			end = next
		default:
			return end
		}
		at = next
	}
	return end
}

func onlySpaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

// nextLine is the offset after the line break of the line holding at.
func nextLine(data []byte, at int) int {
	if i := bytes.IndexByte(data[at:], '\n'); i >= 0 {
		return at + i + 1
	}
	return len(data)
}

// lineEnd is the file's line break: CRLF when its first line ends so.
func lineEnd(data []byte) string {
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// indentUnit is the indentation of the file's first indented line (two
// spaces, as Postman writes, when there is none).
func indentUnit(data []byte) string {
	for at := 0; at < len(data); at = nextLine(data, at) {
		n := 0
		for at+n < len(data) && data[at+n] == ' ' {
			n++
		}
		if n > 0 && at+n < len(data) && data[at+n] != '\n' && data[at+n] != '\r' && data[at+n] != '#' {
			return strings.Repeat(" ", n)
		}
	}
	return "  "
}

// scriptSplices puts the generated blocks into the collection's scripts;
// tail is a new scripts member for the end of the file.
func scriptSplices(f *File, e InjectEdit) (_ []splice, tail string, _ error) {
	var out []splice
	k, list := Lookup(f.Doc, "scripts")
	type want struct {
		typ   string
		block []string
	}
	wants := []want{{"http:beforeRequest", e.PreRequest}}
	if e.Test != nil {
		wants = append(wants, want{"http:afterResponse", e.Test})
	} else if list != nil && list.Kind == yaml.SequenceNode {
		// No 401 retry: an earlier run's test block goes, and its entry
		// with it when nothing else is left in it.
		for _, el := range list.Content {
			code := Get(el, "code")
			if Str(el, "type") != "http:afterResponse" || code == nil || code.Kind != yaml.ScalarNode {
				continue
			}
			lines := strings.Split(code.Value, "\n")
			if !hasBlock(lines, e.IsBegin, e.IsEnd) {
				continue
			}
			lines = withBlock(lines, nil, e.IsBegin, e.IsEnd)
			if strings.TrimSpace(strings.Join(lines, "\n")) == "" {
				ls := lineStarts(f.Data)[el.Line-1]
				dash := bytes.IndexByte(f.Data[ls:], '-')
				if dash < 0 || !onlySpaces(f.Data[ls:ls+dash]) {
					return nil, "", errAt(f, el, "cannot remove this script entry", "put each script entry on its own line starting with -")
				}
				out = append(out, splice{start: ls, end: valueEnd(f.Data, ls, dash, false)})
				continue
			}
			ck, _ := Lookup(el, "code")
			start, end, err := scalarRange(f, code)
			if err != nil {
				return nil, "", err
			}
			out = append(out, splice{start: start, end: end, text: blockScalar(strings.Join(lines, "\n"), ck.Column-1+len(indentUnit(f.Data)), lineEnd(f.Data))})
		}
	}
	nl := lineEnd(f.Data)
	unit := indentUnit(f.Data)
	var missing []want
	for _, w := range wants {
		var entry *yaml.Node
		if list != nil && list.Kind == yaml.SequenceNode {
			for _, el := range list.Content {
				if el = resolve(el); Str(el, "type") == w.typ {
					entry = el
					break
				}
			}
		}
		if entry == nil {
			missing = append(missing, w)
			continue
		}
		code := Get(entry, "code")
		old := ""
		if code != nil {
			old = scalarText(code)
		}
		lines := withBlock(strings.Split(old, "\n"), w.block, e.IsBegin, e.IsEnd)
		if old == "" {
			lines = w.block
		}
		value := strings.Join(lines, "\n")
		if code != nil && code.Kind == yaml.ScalarNode && value == code.Value {
			continue // already there: a second run changes nothing
		}
		ck, _ := Lookup(entry, "code")
		if ck == nil {
			return nil, "", errAt(f, entry, "the "+w.typ+" script has no code", "add `code:` to it, or remove it")
		}
		if code.Kind != yaml.ScalarNode {
			return nil, "", errAt(f, code, "the code of the "+w.typ+" script is not text", "write code as a block of text (code: |-)")
		}
		start, end, err := scalarRange(f, code)
		if err != nil {
			return nil, "", err
		}
		out = append(out, splice{start: start, end: end, text: blockScalar(value, ck.Column-1+len(unit), nl)})
	}
	if len(missing) == 0 {
		return out, "", nil
	}
	if list != nil && list.Kind == yaml.SequenceNode && list.Style&yaml.FlowStyle == 0 && len(list.Content) > 0 {
		// New entries go first in the list, at its dash's indentation.
		first := list.Content[0]
		lines := lineStarts(f.Data)
		ls := lines[first.Line-1]
		dash := bytes.IndexByte(f.Data[ls:], '-')
		if dash < 0 || !onlySpaces(f.Data[ls:ls+dash]) {
			return nil, "", errAt(f, first, "cannot add a script before this entry", "put each script entry on its own line starting with -")
		}
		var b strings.Builder
		for _, w := range missing {
			b.WriteString(scriptEntry(w.typ, w.block, dash, unit, nl))
		}
		return append(out, splice{start: ls, end: ls, text: b.String()}), "", nil
	}
	// No scripts (or an empty or flow list, which holds none of ours): the
	// member is written whole; an empty list is replaced.
	if list != nil && len(list.Content) > 0 {
		return nil, "", errAt(f, list, "scripts is written in flow style ([...])", "write scripts as a block list (- type: ...), then run pmprep again")
	}
	var b strings.Builder
	b.WriteString("scripts:" + nl)
	for _, w := range missing {
		b.WriteString(scriptEntry(w.typ, w.block, len(unit), unit, nl))
	}
	return newMember(f, k, out, b.String())
}

// newMember writes a whole member: in place of the one whose key is k, or
// (k nil) as the tail for the end of the file.
func newMember(f *File, k *yaml.Node, out []splice, text string) (_ []splice, tail string, _ error) {
	if k == nil {
		return out, text, nil
	}
	start, end, err := memberRange(f, k)
	if err != nil {
		return nil, "", err
	}
	return append(out, splice{start: start, end: end, text: text}), "", nil
}

// variableSplices declares vars in the collection's variables (map or list
// form): new entries go before the first one, at its indentation; an empty
// value gets the value; tail is a new variables member for the end of the
// file.
func variableSplices(f *File, vars []collection.Variable) (_ []splice, tail string, _ error) {
	if len(vars) == 0 {
		return nil, "", nil
	}
	k, list := Lookup(f.Doc, "variables")
	have := map[string]Entry{}
	for _, e := range Entries(list) {
		if _, dup := have[e.Key]; !dup {
			have[e.Key] = e
		}
	}
	nl, unit := lineEnd(f.Data), indentUnit(f.Data)
	var out []splice
	var add []collection.Variable
	for _, v := range vars {
		e, ok := have[v.Key]
		switch {
		case !ok:
			add = append(add, v)
		case e.Value != nil && e.Value.Kind == yaml.ScalarNode && e.Value.Value == "" && e.Value.Tag != "!!null":
			start, end, err := scalarRange(f, e.Value)
			if err != nil {
				return nil, "", err
			}
			out = append(out, splice{start: start, end: end, text: quote(v.Value)})
		}
	}
	if len(add) == 0 {
		return out, "", nil
	}
	entry := func(pad string, listForm bool, v collection.Variable) string {
		key := v.Key
		if !plainKey.MatchString(key) {
			key = quote(key)
		}
		if listForm {
			return pad + "- key: " + key + nl + pad + "  value: " + quote(v.Value) + nl
		}
		return pad + key + ": " + quote(v.Value) + nl
	}
	if list != nil && len(list.Content) > 0 && list.Style&yaml.FlowStyle == 0 && (list.Kind == yaml.MappingNode || list.Kind == yaml.SequenceNode) {
		first := list.Content[0]
		ls := lineStarts(f.Data)[first.Line-1]
		n := 0
		for ls+n < len(f.Data) && f.Data[ls+n] == ' ' {
			n++
		}
		var b strings.Builder
		for _, v := range add {
			b.WriteString(entry(strings.Repeat(" ", n), list.Kind == yaml.SequenceNode, v))
		}
		return append(out, splice{start: ls, end: ls, text: b.String()}), "", nil
	}
	if list != nil && len(list.Content) > 0 {
		return nil, "", errAt(f, list, "variables is written in flow style", "write variables as a block (key: value lines), then run pmprep again")
	}
	var b strings.Builder
	b.WriteString("variables:" + nl)
	for _, v := range add {
		b.WriteString(entry(unit, false, v))
	}
	return newMember(f, k, out, b.String())
}

// hasBlock reports whether lines hold a complete generated block.
func hasBlock(lines []string, isBegin, isEnd func(string) bool) bool {
	for i, l := range lines {
		if isBegin(l) {
			for _, m := range lines[i+1:] {
				if isEnd(m) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// plainKey is a variable name that needs no quotes as a YAML key.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// withBlock is lines without their first generated block, and with block
// (if any) after them: the user's lines run first, as in v2.1, where
// pmprep's script is an event after the user's. (The Postman CLI 1.62.0
// runs only the first http:beforeRequest entry of a definition, so the
// block cannot have an entry of its own; measured.)
func withBlock(lines, block []string, isBegin, isEnd func(string) bool) []string {
	out := lines
	for i, l := range lines {
		if !isBegin(l) {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if isEnd(lines[j]) {
				out = append(append([]string{}, lines[:i]...), lines[j+1:]...)
				break
			}
		}
		break
	}
	if len(block) == 0 {
		return out
	}
	if strings.TrimSpace(strings.Join(out, "\n")) == "" {
		return block
	}
	// Before the empty lines that end the code, so its final line breaks
	// (and the YAML block's chomping) stay.
	end := len(out)
	for end > 0 && strings.TrimSpace(out[end-1]) == "" {
		end--
	}
	return append(append(append([]string{}, out[:end]...), block...), out[end:]...)
}

// scriptEntry is one script list element, its dash at column dash.
func scriptEntry(typ string, block []string, dash int, unit, nl string) string {
	pad := strings.Repeat(" ", dash)
	in := pad + "  "
	return pad + "- type: " + typ + nl +
		in + "code: " + blockScalar(strings.Join(block, "\n"), len(in)+len(unit), nl) + nl +
		in + "language: text/javascript" + nl
}

// blockScalar renders value as a literal block scalar whose lines are
// indented by indent spaces (starting with the indicator, without the last
// line's end), or double-quoted when a literal block cannot hold it.
func blockScalar(value string, indent int, nl string) string {
	chomp := "-"
	switch {
	case strings.HasSuffix(value, "\n\n"):
		chomp = "+"
	case strings.HasSuffix(value, "\n"):
		chomp = ""
	}
	body := strings.TrimRight(value, "\n")
	if body == "" || strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' || r == 0x7f || r == 0xfeff }) ||
		strings.HasPrefix(body, " ") || strings.HasPrefix(body, "\t") {
		// Control characters, or a first line that starts with space
		// (which a literal block would read as indentation).
		return quote(value)
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString("|" + chomp)
	for _, l := range strings.Split(value[:len(body)], "\n") {
		b.WriteString(nl)
		if l != "" {
			b.WriteString(pad + l)
		}
	}
	for i := len(body); chomp == "+" && i < len(value)-1; i++ {
		b.WriteString(nl)
	}
	return b.String()
}

// scalarRange is the byte range of a scalar node's text (properties kept).
func scalarRange(f *File, n *yaml.Node) (int, int, error) {
	lines := lineStarts(f.Data)
	if n.Line < 1 || n.Line > len(lines) {
		return 0, 0, errAt(f, n, "cannot edit here", "")
	}
	start, err := offsetOf(f.Data, lines, n.Line, n.Column)
	if err != nil {
		return 0, 0, err
	}
	start = skipProperties(f.Data, start)
	end, _, err := scalarEnd(f.Data, start, n)
	if err != nil {
		return 0, 0, errAt(f, n, "cannot edit this scalar: "+err.Error(), "")
	}
	return start, end, nil
}
