package collection

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// InjectPlan says what Inject writes. It is built by the caller from the
// settings and the rendered script; Inject only knows where things go.
type InjectPlan struct {
	// PreRequest is pmprep's block for the collection pre-request script,
	// markers included. It replaces an existing block (found with IsBegin
	// and IsEnd) or goes before the user's own lines.
	PreRequest []string
	// Test is pmprep's block for the collection test script; nil removes a
	// block an earlier run wrote.
	Test           []string
	IsBegin, IsEnd func(line string) bool

	// Auth is the collection auth to write: Type "bearer" or "oauth2" and
	// its parameters (in v2.1 order; written in the file's version's form).
	AuthType   string
	AuthParams []AuthParam

	// Scripts, when set, renders PreRequest and Test once the items have
	// been read: the script needs to know which folders' requests do not
	// use the token (their rules), since it cannot see inherited auth.
	Scripts func(rules []FolderRule) (preRequest, test []string, err error)

	// Variables are declared in the collection "variable" list when no
	// variable of that key exists.
	Variables []Variable

	// KeepAuth reports whether a request's or folder's bearer/oauth2 block
	// serves another purpose and must stay. nil: every such block is
	// replaced by the collection auth.
	KeepAuth func(typ string, params []KV) bool
}

// FolderRule marks a folder, by the names from the collection root down to
// it, whose requests stop (UsesToken false: apikey, noauth, … auth) or start
// again (true) using the collection token when they inherit.
type FolderRule struct {
	Path      []string
	UsesToken bool
}

// AuthParam is one parameter of the collection auth block.
type AuthParam struct {
	Key, Value string
}

// Variable is a collection variable to declare.
type Variable struct {
	Key, Value string
}

// InjectReport says what Inject did, for the summary on stderr. It holds
// paths and names only, never values.
type InjectReport struct {
	Changed        bool
	ScriptAction   string   // "added" or "replaced" or "unchanged"
	AuthAction     string   // "added", "replaced (was apikey)", "unchanged"
	DeclaredVars   []string // variable keys added
	Requests       int      // requests in the collection
	Inheriting     int      // requests that now use the collection auth
	RemovedAuth    []string // paths of bearer/oauth2 blocks removed so they inherit
	RetargetedAuth []string // paths of blocks rewritten to use the token (a folder above them has other auth)
	RemovedHeaders []string // paths of Authorization headers removed
	LeftAuth       []string // "path (type)" of auth blocks kept
	LeftHeaders    []string // paths of Authorization headers kept (not a bearer token)
	NotUsingToken  int      // requests that keep their own or a folder's other auth
	// AmbiguousFolders are name paths ("A / B") that several folders share
	// while only some of them send the token. The script tells folders
	// apart by name path, so their requests all fetch a token.
	AmbiguousFolders []string
}

// Inject applies plan to a collection and returns the new file bytes.
// Nothing outside the collection auth, event and variable lists and the
// bearer/oauth2 blocks and Authorization headers it replaces is touched.
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
	rep := &InjectReport{}
	root := doc.root
	top := doc.topLevel().fields

	// Appended in Postman's own order: auth, event, variable.
	rep.AuthAction = injectAuth(e, doc, root, top["auth"], plan)
	rules, err := injectItems(e, doc, plan, rep)
	if err != nil {
		return nil, nil, err
	}
	if plan.Scripts != nil {
		if plan.PreRequest, plan.Test, err = plan.Scripts(rules); err != nil {
			return nil, nil, err
		}
	}
	rep.ScriptAction = injectEvents(e, root, top["event"], plan)
	rep.DeclaredVars = declareVariables(e, root, top["variable"], plan.Variables)
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

// injectEvents writes the pre-request block and the test block (or removes
// an old test block).
func injectEvents(e *Editor, root, events gjson.Result, plan InjectPlan) string {
	want := []struct {
		listen string
		lines  []string
	}{{"prerequest", plan.PreRequest}, {"test", plan.Test}}
	if !events.IsArray() {
		var add Array
		for _, w := range want {
			if w.lines != nil {
				add = append(add, scriptEvent(w.listen, w.lines))
			}
		}
		if events.Exists() {
			e.Replace(events, add)
		} else {
			e.AppendMember(root, "event", add)
		}
		return "added"
	}
	action := "unchanged"
	for _, w := range want {
		var ev gjson.Result
		evIndex, i := -1, 0
		events.ForEach(func(_, v gjson.Result) bool {
			// A disabled event never runs (the SDK skips it): ours must not go there.
			l, _ := Field(v, "listen")
			d, _ := Field(v, "disabled")
			if v.IsObject() && l.String() == w.listen && !d.Bool() {
				ev, evIndex = v, i
				return false
			}
			i++
			return true
		})
		if w.lines == nil && onlyOurLines(ev, plan) {
			e.Delete(events, evIndex) // the event held nothing but our old block
			continue
		}
		if !ev.Exists() {
			if w.lines != nil {
				e.AppendElement(events, scriptEvent(w.listen, w.lines))
				action = "added"
			}
			continue
		}
		if a := injectExec(e, ev, w.lines, plan); w.listen == "prerequest" {
			action = a
		}
	}
	return action
}

// injectExec puts lines into one event's script, keeping the user's lines.
func injectExec(e *Editor, ev gjson.Result, lines []string, plan InjectPlan) string {
	script, ok := Field(ev, "script")
	if !ok || !script.IsObject() {
		if lines == nil {
			return "unchanged"
		}
		e.Set(ev, "script", Object{{"type", String("text/javascript")}, {"exec", lines2fragments(lines)}})
		return "added"
	}
	exec, ok := Field(script, "exec")
	switch {
	case !ok:
		if lines == nil {
			return "unchanged"
		}
		e.AppendMember(script, "exec", lines2fragments(lines))
		return "added"
	case exec.Type == gjson.String:
		// One multi-line string: keep it verbatim as one element after ours.
		if lines == nil {
			return "unchanged"
		}
		a := lines2fragments(lines)
		if exec.Str != "" {
			a = append(a, Raw(exec.Raw))
		}
		e.Replace(exec, a)
		return "added"
	case !exec.IsArray():
		if lines == nil {
			return "unchanged"
		}
		e.Replace(exec, lines2fragments(lines))
		return "replaced"
	}
	elems := exec.Array()
	begin, end := -1, -1
	for i, el := range elems {
		if el.Type != gjson.String {
			continue
		}
		if begin < 0 && plan.IsBegin(el.Str) {
			begin = i
		} else if begin >= 0 && plan.IsEnd(el.Str) {
			end = i
			break
		}
	}
	if begin >= 0 && end < 0 {
		end = begin // a lone begin marker: replace just that line
	}
	switch {
	case begin >= 0:
		if sameLines(elems[begin:end+1], lines) {
			return "unchanged"
		}
		e.ReplaceElements(exec, begin, end, lines2fragments(lines))
		if lines == nil {
			return "removed"
		}
		return "replaced"
	case lines == nil:
		return "unchanged"
	case len(elems) == 0:
		for _, l := range lines {
			e.AppendElement(exec, String(l))
		}
	default:
		// Ours first, so the token is set before the user's lines run.
		e.ReplaceElements(exec, 0, 0, append(lines2fragments(lines), Raw(elems[0].Raw)))
	}
	return "added"
}

// onlyOurLines reports whether an event's script is exactly one pmprep block.
func onlyOurLines(ev gjson.Result, plan InjectPlan) bool {
	exec := ev.Get("script.exec")
	if !exec.IsArray() {
		return false
	}
	el := exec.Array()
	return len(el) >= 2 && plan.IsBegin(el[0].Str) && plan.IsEnd(el[len(el)-1].Str)
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

// authFragment encodes the collection auth in the file's version's form.
func authFragment(kind Kind, typ string, params []AuthParam) Object {
	var p Fragment
	if kind == KindCollection20 {
		o := Object{}
		for _, kv := range params {
			o = append(o, Member{kv.Key, String(kv.Value)})
		}
		p = o
	} else {
		a := Array{}
		for _, kv := range params {
			a = append(a, Object{{"key", String(kv.Key)}, {"value", String(kv.Value)}, {"type", String("string")}})
		}
		p = a
	}
	return Object{{"type", String(typ)}, {typ, p}}
}

func injectAuth(e *Editor, doc *Document, root, auth gjson.Result, plan InjectPlan) string {
	f := authFragment(doc.Kind, plan.AuthType, plan.AuthParams)
	if !auth.Exists() {
		e.AppendMember(root, "auth", f)
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
			// oauth2 block (which inject replaces); a set one stays.
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

// injectItems makes bearer/oauth2 blocks inherit the collection auth and
// removes Authorization headers that carry stale tokens.
func injectItems(e *Editor, doc *Document, plan InjectPlan, rep *InjectReport) ([]FolderRule, error) {
	var rules []FolderRule
	// usesCollection records, per folder (by offset: the Items themselves
	// need not outlive the walk), whether its requests reach the collection
	// auth when they inherit.
	usesCollection := map[int]bool{}
	// The script finds a request's folder by its name path, so folders
	// that share one must agree; where they do not, the path gets a rule
	// that fetches the token: a token fetched and not sent costs one
	// request, one not fetched breaks the requests that need it.
	byNamePath := map[string]bool{} // joined name path -> uses the token
	var ambiguous [][]string
	// The collection auth, encoded once per place it can be written in
	// (indentation, one line or not): thousands of blocks may be retargeted.
	auth := authFragment(doc.Kind, plan.AuthType, plan.AuthParams)
	encoded := map[string]string{}
	retarget := func(v gjson.Result) {
		where := e.lineIndent(v.Index)
		if oneLineContainer(v.Raw) {
			where += "\x00"
		}
		text, ok := encoded[where]
		if !ok {
			text = e.encodeAt(v, auth)
			encoded[where] = text
		}
		if !sameJSONText(text, v.Raw) {
			e.ReplaceRaw(v, text)
		}
	}
	err := walk(doc, false, func(it *Item) error {
		inherited := it.Parent == nil || usesCollection[it.Parent.Value.Index]
		uses := inherited
		if typ := AuthType(it.Auth); typ != "" && typ != "inherit" {
			switch {
			case (typ == "bearer" || typ == "oauth2") && (plan.KeepAuth == nil || !plan.KeepAuth(typ, AuthParams(it.Auth, typ))):
				if inherited {
					e.DeleteMember(it.AuthHolder, "auth")
					rep.RemovedAuth = append(rep.RemovedAuth, it.AuthPath)
				} else {
					// A folder above has other auth: point this block at the token instead.
					retarget(it.Auth)
					rep.RetargetedAuth = append(rep.RetargetedAuth, it.AuthPath)
				}
				uses = true
			default:
				rep.LeftAuth = append(rep.LeftAuth, it.AuthPath+" ("+typ+")")
				uses = false
			}
		}
		if it.Folder {
			usesCollection[it.Value.Index] = uses
			path := namePath(it)
			key := strings.Join(path, "\x00")
			if prev, seen := byNamePath[key]; !seen {
				byNamePath[key] = uses
			} else if prev != uses {
				byNamePath[key] = true
				ambiguous = append(ambiguous, path)
			}
			if uses != inherited {
				rules = append(rules, FolderRule{Path: path, UsesToken: uses})
			}
			return nil
		}
		rep.Requests++
		if !uses {
			rep.NotUsingToken++
			return nil
		}
		rep.Inheriting++
		if it.Request.IsObject() {
			removeAuthorizationHeaders(e, it, rep)
		}
		return nil
	})
	if len(ambiguous) > 0 {
		rules = resolveAmbiguous(rules, ambiguous, rep)
	}
	return rules, err
}

// resolveAmbiguous makes each name path that folders with different auth
// share fetch the token, and reports it (once per path).
func resolveAmbiguous(rules []FolderRule, ambiguous [][]string, rep *InjectReport) []FolderRule {
	shared := map[string]bool{}
	for _, p := range ambiguous {
		key := strings.Join(p, "\x00")
		if shared[key] {
			continue
		}
		shared[key] = true
		rep.AmbiguousFolders = append(rep.AmbiguousFolders, strings.Join(p, " / "))
	}
	rules = slices.DeleteFunc(rules, func(r FolderRule) bool { return shared[strings.Join(r.Path, "\x00")] })
	for _, p := range ambiguous {
		if key := strings.Join(p, "\x00"); shared[key] {
			delete(shared, key)
			rules = append(rules, FolderRule{Path: p, UsesToken: true})
		}
	}
	return rules
}

// namePath is the names of the folders from the collection root down to
// it, as the sandbox's pm.execution.location spells them.
func namePath(it *Item) []string {
	var names []string
	for p := it; p != nil; p = p.Parent {
		// Read here, not from Fields: inject walks without them.
		name, _ := Field(p.Value, "name")
		names = append(names, name.String())
	}
	for l, r := 0, len(names)-1; l < r; l, r = l+1, r-1 {
		names[l], names[r] = names[r], names[l]
	}
	return names
}

var headerKeys = []string{"key", "value", "disabled"}

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
func removeAuthorizationHeaders(e *Editor, it *Item, rep *InjectReport) {
	headers, ok := e.doc.field(it.Request, "header")
	if !ok || !mentionsAuthorization(headers.Raw) {
		return
	}
	if headers.Type == gjson.String {
		removeAuthorizationLines(e, headers, it.Path+".request.header", rep)
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
		if sendsBearerToken(value.String()) {
			e.Delete(headers, i)
			rep.RemovedHeaders = append(rep.RemovedHeaders, path)
		} else {
			rep.LeftHeaders = append(rep.LeftHeaders, path)
		}
		return true
	})
}

// sendsBearerToken reports whether an Authorization header value is a
// bearer token (or nothing): the collection auth sends a fresh one.
func sendsBearerToken(value string) bool {
	v := strings.TrimSpace(value)
	return v == "" || len(v) > 7 && strings.EqualFold(v[:7], "bearer ")
}

// removeAuthorizationLines handles the string form of a header list that
// both collection schemas allow ("Key: value" lines, as Postman's bulk
// edit writes them and postman-collection's Header.parse reads them).
// Lines that send a bearer token are cut from the raw JSON string with
// their line break; every other byte of the string, escapes included,
// stays as written.
func removeAuthorizationLines(e *Editor, headers gjson.Result, path string, rep *InjectReport) {
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
		if !sendsBearerToken(value) {
			rep.LeftHeaders = append(rep.LeftHeaders, where)
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
