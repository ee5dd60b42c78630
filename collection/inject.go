package collection

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// InjectPlan says what Inject writes. It is built by the caller (package
// inject decides it from the collection and the settings); Inject only knows
// where things go and how to edit them without touching other bytes.
type InjectPlan struct {
	// PreRequest is pmprep's block for the collection pre-request script,
	// markers included. It lives in an event of its own, after the user's
	// pre-request event, so that the user's lines run first (they may set
	// the token's inputs) and a user script that fails to compile cannot
	// take pmprep's down with it. A block an earlier version wrote inside
	// the user's event is moved out.
	PreRequest []string
	// Test is pmprep's block for the collection test script, in an event of
	// its own likewise; nil removes a block an earlier run wrote.
	Test           []string
	IsBegin, IsEnd func(line string) bool

	// Auth edits the collection auth; nil leaves it as it is.
	Auth *AuthEdit

	// Variables are declared in the collection "variable" list when no
	// variable of that key exists (an empty declared one gets the value).
	Variables []Variable
	// DropEmpty lists variable keys whose empty declarations are removed
	// (an empty collection variable hides a global of the same name):
	// those an older pmprep declared.
	DropEmpty []string

	// Items edits folders and requests, each named by its ItemRef (taken
	// during a Walk of the same Document). Items not listed are left alone.
	Items []ItemEdit
}

// AuthEdit changes an auth block: Block replaces it whole (or adds it where
// there is none); otherwise Params change single parameter values in place,
// every other byte of the block kept.
type AuthEdit struct {
	Block  *AuthBlock
	Params []ParamEdit
	// Add appends parameters to the block's list (in place edits only).
	Add []AuthParam
}

// AuthBlock is an auth block to write: its type and parameters (in v2.1
// order; written in the file's version's form).
type AuthBlock struct {
	Type   string
	Params []AuthParam
}

// ParamEdit replaces one parameter value (a KV.Result from AuthParams)
// with a string.
type ParamEdit struct {
	Value gjson.Result
	Text  string
}

// ItemRef is what an edit needs of an Item, kept beyond the Walk visit:
// its paths and where its auth holder, auth and request are (offsets, not
// gjson.Results: a plan for 80,000 items holds many).
type ItemRef struct {
	Path, AuthPath        string
	holder, auth, request span32
}

// span32 is a value's [start, end) in the document body; start -1 when
// the value is absent.
type span32 struct{ start, end int32 }

func spanOf(r gjson.Result) span32 {
	if !r.Exists() {
		return span32{-1, -1}
	}
	return span32{int32(r.Index), int32(r.Index + len(r.Raw))}
}

// NewItemRef names an item by its values in doc (see Item).
func NewItemRef(path, authPath string, authHolder, auth, request gjson.Result) ItemRef {
	return ItemRef{Path: path, AuthPath: authPath, holder: spanOf(authHolder), auth: spanOf(auth), request: spanOf(request)}
}

// Ref returns what an edit needs of it.
func (it *Item) Ref() ItemRef {
	var req gjson.Result
	if !it.Folder {
		req = it.Request
	}
	return NewItemRef(it.Path, it.AuthPath, it.AuthHolder, it.Auth, req)
}

// item is an ItemRef read back from the document it was taken from.
type item struct {
	Path, AuthPath            string
	AuthHolder, Auth, Request gjson.Result
}

func (d *Document) resolve(r ItemRef) (item, bool) {
	at := func(s span32) (gjson.Result, bool) {
		if s.start < 0 {
			return gjson.Result{}, true
		}
		v := d.ValueAt(int(s.start), int(s.end))
		return v, v.Exists()
	}
	it := item{Path: r.Path, AuthPath: r.AuthPath}
	var ok1, ok2, ok3 bool
	it.AuthHolder, ok1 = at(r.holder)
	it.Auth, ok2 = at(r.auth)
	it.Request, ok3 = at(r.request)
	return it, ok1 && ok2 && ok3 && (!it.AuthHolder.Exists() || it.AuthHolder.IsObject())
}

// ItemEdit is what happens to one folder or request.
type ItemEdit struct {
	Item ItemRef
	// RemoveAuth deletes the item's auth block, so that it inherits.
	RemoveAuth bool
	// Auth edits the item's auth block (or, with Block, writes one).
	Auth *AuthEdit
	// DropHeader reports, for an enabled Authorization header's value,
	// whether it is a stale token to remove: the auth sends a fresh one.
	DropHeader func(value string) bool
}

// AuthParam is one parameter of an auth block. Value is a string, or with
// Raw a JSON value written as it is (a boolean kept from the user's block).
type AuthParam struct {
	Key, Value string
	Raw        bool
}

func (p AuthParam) fragment() Fragment {
	if p.Raw {
		return Raw(p.Value)
	}
	return String(p.Value)
}

// Variable is a collection variable to declare.
type Variable struct {
	Key, Value string
}

// InjectReport says what Inject did, for the summary on stderr. It holds
// paths and names only, never values.
type InjectReport struct {
	Changed        bool
	ScriptAction   string   // the pre-request block: "added", "replaced", "moved" or "unchanged"
	TestAction     string   // the test block (--retry-401): the same, or "removed"
	AuthAction     string   // "added", "replaced (was apikey)", "edited", "unchanged"
	DeclaredVars   []string // variable keys added
	DroppedVars    []string // empty variable declarations removed
	RemovedAuth    []string // paths of auth blocks removed so they inherit
	EditedAuth     []string // paths of auth blocks rewritten or edited in place to send the token
	NoauthAdded    []string // paths where noauth was written (the item keeps its own credentials)
	RemovedHeaders []string // paths of Authorization headers removed
}

// Inject applies plan to a collection and returns the new file bytes.
// Nothing outside the collection auth, event and variable lists and the
// item edits of the plan is touched.
func Inject(doc *Document, plan InjectPlan) ([]byte, *InjectReport, error) {
	e, rep, err := PlanInject(doc, plan)
	if err != nil {
		return nil, nil, err
	}
	out, err := e.Apply()
	if err != nil {
		return nil, nil, err
	}
	return out, rep, nil
}

// PlanInject records Inject's edits without applying them, so that the
// caller can stream the result with Editor.WriteTo rather than hold a
// second copy of a large file.
func PlanInject(doc *Document, plan InjectPlan) (*Editor, *InjectReport, error) {
	if !doc.Kind.IsCollection() {
		return nil, nil, &InputError{File: doc.Name, Msg: "inject needs a collection, this is a " + doc.Kind.String() + " file"}
	}
	e := NewEditor(doc)
	rep := &InjectReport{AuthAction: "unchanged"}
	root := doc.root
	top := doc.topLevel().fields

	// Appended in Postman's own order: auth, event, variable.
	if plan.Auth != nil {
		rep.AuthAction = editAuth(e, doc, root, top["auth"], "auth", *plan.Auth)
	}
	if len(plan.Items) > 0 {
		if err := editItems(e, doc, plan.Items, rep); err != nil {
			return nil, nil, err
		}
	}
	rep.ScriptAction, rep.TestAction = injectEvents(e, root, top["event"], plan)
	rep.DeclaredVars = declareVariables(e, root, top["variable"], plan.Variables)
	rep.DroppedVars = dropEmptyVariables(e, top["variable"], plan.DropEmpty, plan.Variables)
	rep.Changed = e.Changed()
	return e, rep, nil
}

func scriptEvent(listen string, lines []string) Object {
	return Object{
		{"listen", String(listen)},
		{"script", Object{{"type", String("text/javascript")}, {"exec", lines2fragments(lines)}}},
	}
}

func lines2fragments(lines []string) Array {
	a := make(Array, len(lines))
	for i, l := range lines {
		a[i] = String(l)
	}
	return a
}

// block is where an earlier pmprep block sits: in event ev (index evIndex
// of the event list), exec elements [begin, end]; own when the event holds
// nothing else.
type block struct {
	ev         gjson.Result
	evIndex    int
	exec       gjson.Result
	begin, end int
	own        bool
}

// findBlocks lists the pmprep blocks in the enabled events for listen.
func findBlocks(events gjson.Result, listen string, plan InjectPlan) []block {
	var out []block
	i := -1
	events.ForEach(func(_, v gjson.Result) bool {
		i++
		l, _ := Field(v, "listen")
		d, _ := Field(v, "disabled")
		if !v.IsObject() || l.String() != listen || d.Bool() {
			return true
		}
		exec := v.Get("script.exec")
		if !exec.IsArray() {
			return true
		}
		elems := exec.Array()
		begin := -1
		for j, el := range elems {
			if el.Type != gjson.String {
				continue
			}
			switch {
			case begin < 0 && plan.IsBegin(el.Str):
				begin = j
			case begin >= 0 && plan.IsEnd(el.Str):
				out = append(out, block{ev: v, evIndex: i, exec: exec, begin: begin, end: j, own: begin == 0 && j == len(elems)-1})
				begin = -1
			}
		}
		if begin >= 0 { // a lone begin marker: that line is ours
			out = append(out, block{ev: v, evIndex: i, exec: exec, begin: begin, end: begin, own: len(elems) == 1})
		}
		return true
	})
	return out
}

// injectEvents puts pmprep's pre-request (and test) block in an event of
// its own, after the user's, and takes earlier blocks out of the user's.
func injectEvents(e *Editor, root, events gjson.Result, plan InjectPlan) (prerequest, test string) {
	want := []struct {
		listen string
		lines  []string
	}{{"prerequest", plan.PreRequest}, {"test", plan.Test}}
	actions := map[string]string{"prerequest": "unchanged", "test": "unchanged"}
	if !events.IsArray() {
		var add Array
		for _, w := range want {
			if w.lines != nil {
				add = append(add, scriptEvent(w.listen, w.lines))
				actions[w.listen] = "added"
			}
		}
		if len(add) > 0 {
			if events.Exists() {
				e.Replace(events, add)
			} else {
				e.AppendMember(root, "event", add)
			}
		}
		return actions["prerequest"], actions["test"]
	}
	for _, w := range want {
		a := "unchanged"
		kept := false // our own event holds the new block
		for _, b := range findBlocks(events, w.listen, plan) {
			switch {
			case b.own && !kept && w.lines != nil:
				kept = true
				if !sameLines(b.exec.Array()[b.begin:b.end+1], w.lines) {
					e.Replace(b.exec, lines2fragments(w.lines))
					a = "replaced"
				}
			case b.own:
				e.Delete(events, b.evIndex)
				a = "removed"
			default:
				// Inside the user's script (as pmprep 0.x wrote it): take it out.
				e.ReplaceElements(b.exec, b.begin, b.end, nil)
				a = "moved"
			}
		}
		if !kept && w.lines != nil {
			e.AppendElement(events, scriptEvent(w.listen, w.lines))
			if a == "unchanged" {
				a = "added"
			}
		}
		actions[w.listen] = a
	}
	return actions["prerequest"], actions["test"]
}

func sameLines(elems []gjson.Result, lines []string) bool {
	if len(elems) != len(lines) {
		return false
	}
	for i, el := range elems {
		if el.Str != lines[i] {
			return false
		}
	}
	return true
}

// authFragment encodes an auth block in the file's version's form
// (noauth has no parameters).
func authFragment(kind Kind, b AuthBlock) Object {
	if b.Type == "noauth" {
		return Object{{"type", String("noauth")}}
	}
	var p Fragment
	if kind == KindCollection20 {
		o := Object{}
		for _, kv := range b.Params {
			o = append(o, Member{kv.Key, kv.fragment()})
		}
		p = o
	} else {
		a := Array{}
		for _, kv := range b.Params {
			typ := "string"
			if kv.Raw && (kv.Value == "true" || kv.Value == "false") {
				typ = "boolean"
			} else if kv.Raw {
				typ = "any"
			}
			a = append(a, Object{{"key", String(kv.Key)}, {"value", kv.fragment()}, {"type", String(typ)}})
		}
		p = a
	}
	return Object{{"type", String(b.Type)}, {b.Type, p}}
}

// editAuth applies ed to the auth member key of holder (whose current value
// is auth, maybe absent).
func editAuth(e *Editor, doc *Document, holder, auth gjson.Result, key string, ed AuthEdit) string {
	if ed.Block == nil {
		changed := false
		for _, p := range ed.Params {
			if p.Value.Exists() && p.Value.String() != p.Text {
				e.Replace(p.Value, String(p.Text))
				changed = true
			}
		}
		if list, ok := Field(auth, AuthType(auth)); ok && len(ed.Add) > 0 {
			for _, p := range ed.Add {
				switch {
				case list.IsArray():
					e.AppendElement(list, Object{{"key", String(p.Key)}, {"value", String(p.Value)}, {"type", String("string")}})
				case list.IsObject():
					e.AppendMember(list, p.Key, String(p.Value))
				}
			}
			changed = true
		}
		if changed {
			return "edited"
		}
		return "unchanged"
	}
	f := authFragment(doc.Kind, *ed.Block)
	if !auth.Exists() {
		e.AppendMember(holder, key, f)
		return "added"
	}
	old := AuthType(auth)
	if sameJSONText(e.encodeAt(auth, f), auth.Raw) {
		return "unchanged"
	}
	e.Replace(auth, f)
	if old == "" {
		return "added"
	}
	return "replaced (was " + old + ")"
}

// dropEmptyVariables removes the declarations of keys (not those being
// declared with a value) whose value is empty.
func dropEmptyVariables(e *Editor, vars gjson.Result, keys []string, keep []Variable) []string {
	if !vars.IsArray() || len(keys) == 0 {
		return nil
	}
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	for _, v := range keep {
		if v.Value != "" {
			delete(drop, v.Key)
		}
	}
	var names []string
	i := -1
	vars.ForEach(func(_, v gjson.Result) bool {
		i++
		k, _ := Field(v, "key")
		val, hasValue := Field(v, "value")
		if v.IsObject() && drop[k.String()] && (!hasValue || val.Type == gjson.String && val.Str == "" || val.Type == gjson.Null) {
			e.Delete(vars, i)
			names = append(names, k.String())
		}
		return true
	})
	return names
}

func declareVariables(e *Editor, root, vars gjson.Result, want []Variable) []string {
	have := map[string]gjson.Result{}
	if vars.IsArray() {
		vars.ForEach(func(_, v gjson.Result) bool {
			if k, ok := Field(v, "key"); ok {
				if _, dup := have[k.String()]; !dup {
					have[k.String()] = v
				}
			}
			return true
		})
	}
	var add Array
	var names []string
	for _, v := range want {
		if old, ok := have[v.Key]; ok {
			// An empty declaration gets the value found in the collection's
			// oauth2 block; a set one stays.
			if cur, _ := Field(old, "value"); v.Value != "" && cur.String() == "" && old.IsObject() {
				e.Set(old, "value", String(v.Value))
				names = append(names, v.Key+" (value filled in)")
			}
			continue
		}
		have[v.Key] = gjson.Result{}
		add = append(add, Object{{"key", String(v.Key)}, {"value", String(v.Value)}, {"type", String("string")}})
		names = append(names, v.Key)
	}
	switch {
	case len(add) == 0:
	case vars.IsArray():
		for _, a := range add {
			e.AppendElement(vars, a)
		}
	case vars.Exists():
		e.Replace(vars, add)
	default:
		e.AppendMember(root, "variable", add)
	}
	return names
}

// editItems applies the plan's item edits.
func editItems(e *Editor, doc *Document, edits []ItemEdit, rep *InjectReport) error {
	// A block written at the same indentation is encoded once: thousands
	// of blocks may be rewritten alike.
	encoded := map[string]string{}
	for _, ed := range edits {
		it, ok := doc.resolve(ed.Item)
		if !ok {
			return fmt.Errorf("collection: internal error: the edit of %s was planned on another document", ed.Item.Path)
		}
		switch {
		case ed.RemoveAuth && it.Auth.Exists():
			e.DeleteMember(it.AuthHolder, "auth")
			rep.RemovedAuth = append(rep.RemovedAuth, it.AuthPath)
		case ed.Auth != nil && ed.Auth.Block != nil && it.Auth.Exists():
			f := authFragment(doc.Kind, *ed.Auth.Block)
			where := e.lineIndent(it.Auth.Index)
			if oneLineContainer(it.Auth.Raw) {
				where += "\x00"
			}
			where += fmt.Sprint(ed.Auth.Block)
			text, ok := encoded[where]
			if !ok {
				text = e.encodeAt(it.Auth, f)
				encoded[where] = text
			}
			if !sameJSONText(text, it.Auth.Raw) {
				e.ReplaceRaw(it.Auth, text)
				rep.EditedAuth = append(rep.EditedAuth, it.AuthPath)
			}
		case ed.Auth != nil && it.AuthHolder.Exists():
			if a := editAuth(e, doc, it.AuthHolder, it.Auth, "auth", *ed.Auth); a != "unchanged" {
				if ed.Auth.Block != nil && ed.Auth.Block.Type == "noauth" {
					rep.NoauthAdded = append(rep.NoauthAdded, it.AuthPath)
				} else {
					rep.EditedAuth = append(rep.EditedAuth, it.AuthPath)
				}
			}
		}
		if ed.DropHeader != nil && it.Request.IsObject() {
			removeAuthorizationHeaders(e, it, ed.DropHeader, rep)
		}
	}
	return nil
}

var headerKeys = []string{"key", "value", "disabled"}

// MentionsAuthorization reports whether raw may hold the word
// authorization, in any case or spelled with \u escapes: a quick look
// before reading a header list or a script.
func MentionsAuthorization(raw string) bool { return mentionsAuthorization(raw) }

// mentionsAuthorization reports whether raw may hold the header name
// Authorization: the word in any case, or a \u escape that could spell
// it. Most headers (and most requests' header lists) cannot, and need not
// be read member by member. The search anchors on its rarest letter, 'z',
// with the vectorised strings.IndexByte.
func mentionsAuthorization(raw string) bool {
	for _, z := range []byte{'z', 'Z'} {
		for i := 0; ; {
			j := strings.IndexByte(raw[i:], z)
			if j < 0 {
				break
			}
			i += j
			if i >= 7 && i+6 <= len(raw) && strings.EqualFold(raw[i-7:i+6], "authorization") {
				return true
			}
			i++
		}
	}
	return strings.Contains(raw, `\u`)
}

// removeAuthorizationHeaders drops enabled Authorization headers that send
// a bearer token: the collection auth sends the fresh one.
func removeAuthorizationHeaders(e *Editor, it item, drop func(string) bool, rep *InjectReport) {
	headers, ok := e.doc.field(it.Request, "header")
	if !ok || !mentionsAuthorization(headers.Raw) {
		return
	}
	if headers.Type == gjson.String {
		removeAuthorizationLines(e, headers, it.Path+".request.header", drop, rep)
		return
	}
	if !headers.IsArray() {
		return
	}
	i := 0
	eachChild(headers.Raw, func(_, vs, ve int) bool {
		defer func() { i++ }()
		h := resultAt(headers.Raw, vs, ve, headers.Index)
		if !mentionsAuthorization(h.Raw) {
			return true // most headers: no need to read their members
		}
		var f [3]gjson.Result
		pick(h, headerKeys, f[:])
		key, value, disabled := f[0], f[1], f[2]
		if !strings.EqualFold(strings.TrimSpace(key.String()), "authorization") || disabled.Bool() {
			return true
		}
		path := it.Path + ".request.header[" + itoa(i) + "]"
		if drop(value.String()) {
			e.Delete(headers, i)
			rep.RemovedHeaders = append(rep.RemovedHeaders, path)
		}
		return true
	})
}

// MayHaveAuthorizationHeader is a quick look at a request object's header
// list: false when it cannot hold an Authorization header.
func MayHaveAuthorizationHeader(doc *Document, request gjson.Result) bool {
	if !request.IsObject() {
		return false
	}
	headers, ok := doc.field(request, "header")
	return ok && mentionsAuthorization(headers.Raw)
}

// AuthorizationHeaders returns the values of a request object's enabled
// Authorization headers, in both forms of the header list (array, or one
// string of "Key: value" lines as Header.parse reads it).
func AuthorizationHeaders(doc *Document, request gjson.Result) []string {
	if !request.IsObject() {
		return nil
	}
	headers, ok := doc.field(request, "header")
	if !ok || !mentionsAuthorization(headers.Raw) {
		return nil
	}
	var out []string
	if headers.Type == gjson.String {
		for _, l := range strings.Split(headers.Str, "\n") {
			key, value, ok := strings.Cut(strings.TrimSuffix(l, "\r"), ":")
			if ok && !strings.ContainsAny(key, " \t") && strings.EqualFold(key, "authorization") {
				out = append(out, strings.TrimSpace(value))
			}
		}
		return out
	}
	headers.ForEach(func(_, h gjson.Result) bool {
		if !h.IsObject() || !mentionsAuthorization(h.Raw) {
			return true
		}
		var f [3]gjson.Result
		pick(h, headerKeys, f[:])
		if strings.EqualFold(strings.TrimSpace(f[0].String()), "authorization") && !f[2].Bool() {
			out = append(out, f[1].String())
		}
		return true
	})
	return out
}

// removeAuthorizationLines handles the string form of a header list that
// both collection schemas allow ("Key: value" lines, as Postman's bulk
// edit writes them and postman-collection's Header.parse reads them).
// Lines that send a bearer token are cut from the raw JSON string with
// their line break; every other byte of the string, escapes included,
// stays as written.
func removeAuthorizationLines(e *Editor, headers gjson.Result, path string, stale func(string) bool, rep *InjectReport) {
	raw := headers.Raw
	body := raw[1 : len(raw)-1]
	lines := rawLines(body)
	drop := make([]bool, len(lines))
	removed := false
	for n, l := range lines {
		var text string
		if json.Unmarshal([]byte(`"`+l.text+`"`), &text) != nil {
			return // cannot happen after validation; leave the string alone
		}
		// A line that starts with a space or tab continues the header
		// before it (obs-fold, which Header.parse joins): it goes with it.
		if n > 0 && drop[n-1] && text != "" && (text[0] == ' ' || text[0] == '\t') {
			drop[n] = true
			continue
		}
		// Header.parse: a line is ^(\S+):(.*)$; "//Key: v" is a disabled line.
		key, value, ok := strings.Cut(text, ":")
		if !ok || key == "" || strings.ContainsAny(key, " \t") || !strings.EqualFold(key, "authorization") {
			continue
		}
		where := fmt.Sprintf("%s (line %d)", path, n+1)
		if !stale(value) {
			continue
		}
		drop[n], removed = true, true
		rep.RemovedHeaders = append(rep.RemovedHeaders, where)
	}
	if !removed {
		return
	}
	// Each kept line is written as it was, with the break after it, but
	// for the last kept line: the text ends where the original ended
	// (with a break only if the original's tail after its last break is
	// kept, and then that tail is the last kept line).
	var kept []rawLine
	for n, l := range lines {
		if !drop[n] {
			kept = append(kept, l)
		}
	}
	var b strings.Builder
	b.Grow(len(raw))
	b.WriteByte('"')
	for i, l := range kept {
		if i < len(kept)-1 {
			b.WriteString(body[l.start:l.breakEnd])
		} else {
			b.WriteString(body[l.start:l.end])
		}
	}
	b.WriteByte('"')
	e.ReplaceRaw(headers, b.String())
}

// rawLine is one line of a JSON string's raw text: [start, end) is its
// content and [end, breakEnd) the escaped line break after it, if any.
type rawLine struct {
	text                 string
	start, end, breakEnd int
}

// rawLines splits the raw text of a JSON string (between its quotes) at the
// line terminators JavaScript's multiline ^ and $ see: \n and \r (as
// escapes, \u000a and \u000d included), U+2028 and U+2029. \r\n is one
// break.
func rawLines(body string) []rawLine {
	var lines []rawLine
	start := 0
	for i := 0; i < len(body); {
		n := lineBreakAt(body, i)
		if n == 0 {
			if body[i] == '\\' && i+1 < len(body) && body[i+1] != 'u' {
				i += 2 // an escape such as \\ or \": never a break
			} else {
				i++
			}
			continue
		}
		end := i + n
		if m := lineBreakAt(body, end); m > 0 && isCR(body[i:i+n]) && isLF(body[end:end+m]) {
			end += m
		}
		lines = append(lines, rawLine{body[start:i], start, i, end})
		start, i = end, end
	}
	return append(lines, rawLine{body[start:], start, len(body), len(body)})
}

// lineBreakAt returns the length of the line terminator at body[i], or 0.
func lineBreakAt(body string, i int) int {
	rest := body[i:]
	switch {
	case strings.HasPrefix(rest, `\n`), strings.HasPrefix(rest, `\r`):
		return 2
	case len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u':
		switch strings.ToLower(rest[2:6]) {
		case "000a", "000d", "2028", "2029":
			return 6
		}
	case strings.HasPrefix(rest, "\u2028"), strings.HasPrefix(rest, "\u2029"):
		return len("\u2028")
	}
	return 0
}

func isCR(brk string) bool { return brk == `\r` || strings.EqualFold(brk, `\u000d`) }
func isLF(brk string) bool { return brk == `\n` || strings.EqualFold(brk, `\u000a`) }

// BlockLines returns the lines of the first pmprep block (begin to end
// marker, as isBegin and isEnd recognise them) in the collection's enabled
// events for listen ("prerequest" or "test"), wherever it sits; nil when
// there is none.
func BlockLines(doc *Document, listen string, isBegin, isEnd func(string) bool) []string {
	events, ok := doc.topField("event")
	if !ok || !events.IsArray() {
		return nil
	}
	for _, b := range findBlocks(events, listen, InjectPlan{IsBegin: isBegin, IsEnd: isEnd}) {
		var lines []string
		for _, el := range b.exec.Array()[b.begin : b.end+1] {
			lines = append(lines, el.Str)
		}
		return lines
	}
	return nil
}

// ScriptLines returns the lines of the collection-level script for listen
// ("prerequest" or "test"): the exec array, or a single exec string split
// at line breaks. nil when there is none.
func ScriptLines(doc *Document, listen string) []string {
	events, ok := doc.topField("event")
	if !ok || !events.IsArray() {
		return nil
	}
	var lines []string
	events.ForEach(func(_, ev gjson.Result) bool {
		if l, _ := Field(ev, "listen"); !ev.IsObject() || l.String() != listen {
			return true
		}
		exec := ev.Get("script.exec")
		if exec.Type == gjson.String {
			lines = strings.Split(exec.Str, "\n")
			return false
		}
		exec.ForEach(func(_, l gjson.Result) bool {
			lines = append(lines, l.String())
			return true
		})
		return false
	})
	return lines
}
