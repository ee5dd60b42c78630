package strip

import (
	"bytes"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

// Options are what the caller decides.
type Options struct {
	// Normalize also removes export noise: _postman_exported_at,
	// _postman_exported_using and info._exporter_id.
	Normalize bool
	// Allow silences a finding whose JSON path equals an entry or lies
	// under it ("item[2].request.auth"), or whose variable, parameter,
	// header, cookie or body member name equals an entry ("demo_password";
	// header names ignore case).
	Allow []string
}

// Finding is one secret value blanked (or one piece of export noise
// removed). It names where the value is, never what it is: print Path,
// Kind, Key and Pos, never Value.
type Finding struct {
	Path  string              // JSON path of the value, e.g. item[0].request.auth.bearer[0].value
	Kind  string              // what it is, e.g. "oauth2 clientSecret", "Authorization header", "variable token (JWT)", "JWT in script"
	Key   string              // the variable, parameter, header or body member name ("" for a shape in free text); the member name for noise
	Pos   collection.Position // line and column of the value (inside the string for URL and header strings and free text)
	Value gjson.Result        // the JSON value holding the secret (the whole string for a URL or header string or free text)
	Noise bool                // export noise removed by Normalize, not a secret
	// InName: the secret is in a key (a variable or header name): reported,
	// not blanked, since blanking it would change the file's structure.
	InName bool

	// The bytes of the document body this finding removes or replaces.
	start, end int
	text       string
	more       [][2]int // further bytes it removes: a private key's other lines
}

// Result is what Scan found and the file with those values blanked.
type Result struct {
	Findings []Finding // in document order
	Silenced int       // findings the allow-list silenced (left in place)
	Out      []byte    // the whole file, BOM included; the input itself (not a copy) when nothing changed; nil from Find
	Changed  bool      // the stripped file differs from the input

	doc *collection.Document
	ed  *collection.Editor
}

// WriteTo writes the stripped file, BOM included, to w, streaming the
// input around the blanked values: no copy of a large file is built.
func (r Result) WriteTo(w io.Writer) (int64, error) {
	if r.Out != nil {
		n, err := w.Write(r.Out)
		return int64(n), err
	}
	if r.ed == nil || !r.ed.Changed() {
		n, err := w.Write(r.doc.Bytes())
		return int64(n), err
	}
	return r.ed.WriteTo(w)
}

// Secrets counts the findings that are secrets (not export noise).
func (r Result) Secrets() int {
	n := 0
	for _, f := range r.Findings {
		if !f.Noise {
			n++
		}
	}
	return n
}

// Scan finds the secrets in doc, a collection (v2.1 or v2.0), environment
// or globals file, and returns the file with their values set to "" in one
// splice. Scan never changes doc.
func Scan(doc *collection.Document, opts Options) (Result, error) {
	r, err := Find(doc, opts)
	if err != nil {
		return Result{}, err
	}
	r.Out = doc.Bytes()
	if r.ed.Changed() {
		if r.Out, err = r.ed.Apply(); err != nil {
			return Result{}, err
		}
	}
	return r, nil
}

// Find is Scan without building the stripped file in memory: Result.Out
// is nil and Result.WriteTo streams it (a 60 MB collection is not copied).
func Find(doc *collection.Document, opts Options) (Result, error) {
	s := &scanner{doc: doc, opts: opts, ed: collection.NewEditor(doc), names: map[nameRule]bool{}}
	root := doc.Root()
	switch {
	case doc.Kind.IsCollection():
		s.collection(root)
	case doc.Kind == collection.KindCollection1:
		s.collectionV1(root, "")
	case doc.Kind == collection.KindDump:
		s.dump(root)
	default:
		base := "values"
		if root.IsArray() {
			base = "" // the older globals export: a bare list
		} else if n, ok := collection.Field(root, "name"); ok {
			s.name(n, pathOf("name", ""))
		}
		s.variables(doc.Variables(), base)
	}
	if opts.Normalize && root.IsObject() {
		s.normalize(root)
	}
	for i := range s.findings {
		// Key is printed: a name holding a secret is shown redacted.
		if f := &s.findings[i]; secretName(f.Key) {
			f.Key = redacted(f.Key)
		}
	}
	sort.Slice(s.findings, func(i, j int) bool { return s.findings[i].start < s.findings[j].start })
	locate(doc.Body(), s.findings)
	return Result{Findings: s.findings, Silenced: s.silenced, Changed: s.ed.Changed(), doc: doc, ed: s.ed}, nil
}

type scanner struct {
	doc      *collection.Document
	opts     Options
	ed       *collection.Editor
	findings []Finding
	silenced int
	names    map[nameRule]bool // memo: a big collection repeats its names
}

// allowed reports whether the allow-list silences a finding.
func (s *scanner) allowed(path, key string, header bool) bool {
	for _, a := range s.opts.Allow {
		switch {
		case a == "":
		case a == path, strings.HasPrefix(path, a) && (path[len(a)] == '.' || path[len(a)] == '['):
			return true
		case key == a, header && strings.EqualFold(key, a):
			return true
		}
	}
	return false
}

// blank records v as a secret and sets it to "".
func (s *scanner) blank(v gjson.Result, path, key, kind string, header bool) {
	if s.allowed(path, key, header) {
		s.silenced++
		return
	}
	s.findings = append(s.findings, Finding{Path: path, Kind: kind, Key: key, Value: v,
		start: v.Index, end: v.Index + len(v.Raw), text: `""`})
	s.ed.ReplaceRaw(v, `""`)
}

// part is a secret inside a string (a URL query value, a header line's
// value), as a byte range of the decoded text.
type part struct {
	from, to  int
	key, kind string
}

// blankParts cuts the parts out of the string v in one edit.
func (s *scanner) blankParts(v gjson.Result, t jsonText, path string, parts []part, header bool) {
	var ranges [][2]int
	for _, p := range parts {
		if s.allowed(path, p.key, header) {
			s.silenced++
			continue
		}
		ranges = append(ranges, [2]int{p.from, p.to})
		start, end := v.Index+t.rawIndex(p.from), v.Index+t.rawIndex(p.to)
		s.findings = append(s.findings, Finding{Path: path, Kind: p.kind, Key: p.key, Value: v, start: start, end: end})
	}
	if len(ranges) > 0 {
		s.ed.ReplaceRaw(v, t.cut(ranges))
	}
}

// text returns a value's text when it is a string or a number: the only
// values a secret can be blanked from.
func text(v gjson.Result) (string, bool) {
	switch v.Type {
	case gjson.String:
		return v.Str, true
	case gjson.Number:
		return v.Raw, true
	}
	return "", false
}

func index(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// collection scans the collection-level auth and variables, then every
// folder and request, and every saved example's original request.
func (s *scanner) collection(root gjson.Result) {
	top := collection.Fields(root)
	s.auth(top["auth"], "auth")
	s.variables(top["variable"], "variable")
	s.events(top["event"], "event")
	if d, ok := collection.Field(top["info"], "description"); ok {
		s.description(d, pathOf("info.description", ""))
	}
	if n, ok := collection.Field(top["info"], "name"); ok {
		s.name(n, pathOf("info.name", ""))
	}
	collection.Walk(s.doc, func(it *collection.Item) error {
		if n, ok := it.Fields["name"]; ok {
			s.name(n, pathOf(it.Path, ".name"))
		}
		s.variables(it.Fields["variable"], it.Path+".variable")
		if ev, ok := it.Fields["event"]; ok {
			s.events(ev, it.Path+".event")
		}
		if d, ok := it.Fields["description"]; ok {
			s.description(d, pathOf(it.Path, ".description"))
		}
		if it.Folder {
			s.auth(it.Auth, it.AuthPath)
			return nil
		}
		s.request(it.Request, it.Path+".request")
		if responses := it.Fields["response"]; responses.IsArray() {
			s.responses(responses, it.Path+".response")
		}
		return nil
	})
}

// name cuts the credentials pasted into a collection's, folder's,
// request's, example's or environment's name (a request named after its
// URL keeps the URL's password; "call with Bearer eyJ…"): a name is not a
// secret, but a token in it is one, so only the token's bytes go.
func (s *scanner) name(v gjson.Result, path lazyPath) {
	s.freeText(v, path, "name", nameText)
}

// responses scans saved examples: the original request, the response's
// headers and cookies, and its body (a token endpoint's response saved as
// an example holds the tokens it issued).
func (s *scanner) responses(list gjson.Result, path string) {
	i := 0
	list.ForEach(func(_, r gjson.Result) bool {
		if r.IsObject() {
			p := index(path, i)
			r.ForEach(func(k, v gjson.Result) bool {
				switch k.Str {
				case "originalRequest":
					s.request(v, p+".originalRequest")
				case "header":
					s.headers(v, p+".header", true)
				case "cookie":
					s.cookies(v, p+".cookie")
				case "body":
					s.freeText(v, pathOf(p, ".body"), "response body", dataText)
				case "name":
					s.name(v, pathOf(p, ".name"))
				}
				return true
			})
		}
		i++
		return true
	})
}

// cookies blanks the values of a saved response's cookies, as Set-Cookie.
func (s *scanner) cookies(list gjson.Result, path string) {
	s.entries(list, path, func(e entry) {
		name := e.key.String()
		if t, ok := text(e.value); ok && literal(t) {
			s.blank(e.value, index(path, e.i)+".value", name, "response cookie "+kindName(name), false)
		}
	})
}

// request scans a request: an object, or (v2) just its URL as a string.
func (s *scanner) request(req gjson.Result, path string) {
	if req.Type == gjson.String {
		s.rawURL(req, path)
		return
	}
	if !req.IsObject() {
		return
	}
	f := collection.Fields(req)
	s.auth(f["auth"], path+".auth")
	s.headers(f["header"], path+".header", false)
	s.url(f["url"], path+".url")
	s.body(f["body"], path+".body")
	if d, ok := f["description"]; ok {
		s.description(d, pathOf(path, ".description"))
	}
}

// auth scans an auth block's credential parameters, for every type it
// holds parameters of (Postman keeps those of types no longer selected),
// in v2.1's [{"key", "value"}] form and v2.0's {"key": value} form.
func (s *scanner) auth(a gjson.Result, path string) {
	if !a.IsObject() {
		return
	}
	a.ForEach(func(k, params gjson.Result) bool {
		creds := credentialParams[k.Str]
		if creds == nil {
			return true
		}
		base := path + "." + k.Str
		switch {
		case params.IsArray():
			i := 0
			params.ForEach(func(_, p gjson.Result) bool {
				if p.IsObject() {
					f := collection.Fields(p)
					key := f["key"].String()
					if v, ok := f["value"]; ok && creds[key] {
						if t, ok := text(v); ok && literal(t) {
							s.blank(v, index(base, i)+".value", key, k.Str+" "+key, false)
						}
					} else if ok && requestParams[key] {
						s.requestParams(v, index(base, i)+".value", k.Str+" "+key)
					}
				}
				i++
				return true
			})
		case params.IsObject():
			params.ForEach(func(pk, v gjson.Result) bool {
				if t, ok := text(v); ok && creds[pk.Str] && literal(t) {
					s.blank(v, base+"."+pk.Str, pk.Str, k.Str+" "+pk.Str, false)
				} else if requestParams[pk.Str] {
					s.requestParams(v, base+"."+pk.Str, k.Str+" "+pk.Str)
				}
				return true
			})
		}
		return true
	})
}

// requestParams are the oauth2 parameters that list extra parameters sent
// with the token, authorization or refresh request: a client_secret or
// client_assertion ends up there.
var requestParams = set("tokenRequestParams", "authRequestParams", "refreshRequestParams")

// requestParams scans an oauth2 extra parameter list: [{key, value,
// send_as}].
func (s *scanner) requestParams(list gjson.Result, path, label string) {
	s.keyedValues(list, path, "", label+" ", ruleName)
}

// hasParts reports whether a value that its name does not make a secret
// may hold one inside: the shapes valueParts cuts all have one of these
// marks. Asked first, so the path and kind are built only when needed.
func hasParts(v gjson.Result) bool {
	return v.Type == gjson.String && len(v.Str) >= 5 && strings.ContainsAny(v.Str, "@=:?#-_ ")
}

// valueParts cuts the secrets inside a value whose name does not make it
// one: a URL's password, a connection string's key, a credential in a
// URL's query.
func (s *scanner) valueParts(v gjson.Result, path, where string) {
	s.freeText(v, pathOf(path, ""), where, plainText)
}

// entry is one {"key": …, "value": …} element of a header, query, body
// or variable list.
type entry struct {
	i                         int // index in the list
	key, value, id, typ, desc gjson.Result
}

// entries calls fn for each object element of a list at base, reading
// only the members strip needs (no map per element: a 60 MB collection
// has hundreds of thousands). A key that itself holds a secret is
// reported first (see secretName).
func (s *scanner) entries(list gjson.Result, base string, fn func(e entry)) {
	if !list.IsArray() {
		return
	}
	i := 0
	list.ForEach(func(_, el gjson.Result) bool {
		if el.IsObject() {
			e := entry{i: i}
			el.ForEach(func(k, v gjson.Result) bool {
				switch k.Str {
				case "key":
					e.key = v
				case "value":
					e.value = v
				case "id":
					e.id = v
				case "type":
					e.typ = v
				case "description":
					e.desc = v
				}
				return true
			})
			if e.key.Type == gjson.String && secretName(e.key.Str) {
				s.inName(e.key, index(base, e.i)+".key", e.key.Str)
			}
			fn(e)
		}
		i++
		return true
	})
}

// inName records a name (a variable key, a header name) that holds a
// secret: it cannot be blanked without changing the file's structure, so
// it is reported, not edited, and the user removes it.
func (s *scanner) inName(k gjson.Result, path, name string) {
	s.inNameAt(k, k.Index, path, name)
}

// inNameAt is inName for a name at byte offset at of v (a header line's
// name inside a header string).
func (s *scanner) inNameAt(v gjson.Result, at int, path, name string) {
	if s.allowed(path, name, false) {
		s.silenced++
		return
	}
	s.findings = append(s.findings, Finding{Path: path, Kind: "secret in the name " + kindName(name) + " (cannot be blanked: remove it by hand)",
		Value: v, InName: true, start: at, end: at})
}

// headers scans a request's headers, or a saved response's (response).
func (s *scanner) headers(h gjson.Result, path string, response bool) {
	label := " header"
	if response {
		label = " response header"
	}
	if h.Type == gjson.String {
		s.headerString(h, path, label)
		return
	}
	s.entries(h, path, func(e entry) {
		name := e.key.String()
		if t, ok := text(e.value); ok && !(response && challengeHeaders[strings.ToLower(strings.TrimSpace(name))]) {
			if why, secret := s.classify(name, t, ruleHeader); secret {
				s.blank(e.value, index(path, e.i)+".value", name, kindName(strings.TrimSpace(name))+label+why, true)
			} else if hasParts(e.value) {
				s.valueParts(e.value, index(path, e.i)+".value", kindName(strings.TrimSpace(name))+label)
			}
		}
		s.entryDescription(e, path, "")
	})
}

// entryDescription scans the description of a header, parameter, field or
// variable.
func (s *scanner) entryDescription(e entry, base, member string) {
	if e.desc.Exists() {
		s.description(e.desc, entryPath(base, member, e.i, ".description"))
	}
}

// headerString scans headers written as one string, "Name: value" per line.
func (s *scanner) headerString(h gjson.Result, path, label string) {
	t := decodeText(h.Raw)
	var parts []part
	for at := 0; at < len(t.text); {
		end := strings.IndexByte(t.text[at:], '\n')
		if end < 0 {
			end = len(t.text)
		} else {
			end += at
		}
		line := t.text[at:end]
		if colon := strings.IndexByte(line, ':'); colon > 0 {
			name := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line[:colon]), "//"))
			if secretName(name) {
				s.inNameAt(h, h.Index+t.rawIndex(at), path, name)
			}
			challenge := label != " header" && challengeHeaders[strings.ToLower(name)]
			from := at + colon + 1
			for from < end && (t.text[from] == ' ' || t.text[from] == '\t') {
				from++
			}
			to := at + len(strings.TrimRight(line, " \t\r"))
			if to > from && !challenge {
				if why, secret := s.classify(name, t.text[from:to], ruleHeader); secret {
					parts = append(parts, part{from, to, name, kindName(name) + label + why})
				}
			}
		}
		at = end + 1
	}
	s.blankParts(h, t, path, parts, true)
}

// url scans a URL: a string, or an object with raw and query.
func (s *scanner) url(u gjson.Result, path string) {
	if u.Type == gjson.String {
		s.rawURL(u, path)
		return
	}
	if !u.IsObject() {
		return
	}
	f := collection.Fields(u)
	s.rawURL(f["raw"], path+".raw")
	s.queryList(f["query"], path, ".query")
	s.pathVariables(f["variable"], path, ".variable")
	// The SDK's URL object keeps a userinfo as auth: {user, password}.
	if a := f["auth"]; a.IsObject() {
		if p, ok := collection.Field(a, "password"); ok {
			if t, ok := text(p); ok && literal(t) {
				s.blank(p, path+".auth.password", "password", "URL password", false)
			}
		}
	}
}

// queryList scans a URL's query parameter list, path+member.
func (s *scanner) queryList(list gjson.Result, path, member string) {
	s.keyedValues(list, path, member, "query parameter ", ruleQuery)
}

// pathVariables scans a URL's path variables (:id), path+member: they
// hold what users paste, tokens too.
func (s *scanner) pathVariables(list gjson.Result, path, member string) {
	s.keyedValues(list, path, member, "path variable ", ruleName)
}

// keyedValues scans a [{key, value, description}] list at path+member
// whose values a name (by rule) or a shape makes secrets: query
// parameters (their values URL-decoded), path variables, oauth2 extra
// parameters.
func (s *scanner) keyedValues(list gjson.Result, path, member, label string, r rule) {
	if !list.IsArray() {
		return // before building paths: most lists are absent
	}
	s.entries(list, path+member, func(e entry) {
		name := e.key.String()
		if t, ok := text(e.value); ok {
			if r == ruleQuery {
				t = unescapeQuery(t)
			}
			if why, secret := s.classify(name, t, r); secret {
				s.blank(e.value, index(path+member, e.i)+".value", name, label+kindName(name)+why, false)
			} else if hasParts(e.value) {
				s.valueParts(e.value, index(path+member, e.i)+".value", label+kindName(name))
			}
		}
		s.entryDescription(e, path, member)
	})
}

// rawURL blanks credential values in a URL string's query and fragment
// (#access_token=… of an implicit grant) and the password of its userinfo
// (https://deploy:PASS@host), keeping every other byte of it.
func (s *scanner) rawURL(u gjson.Result, path string) {
	if u.Type != gjson.String || !strings.ContainsAny(u.Raw, "?#@") {
		return
	}
	t := decodeText(u.Raw)
	var parts []part
	for _, f := range userinfo(t.text, nil) {
		for _, r := range f.ranges {
			parts = append(parts, part{r[0], r[1], "", f.kind})
		}
	}
	q := strings.IndexByte(t.text, '?')
	h := strings.IndexByte(t.text, '#')
	if q >= 0 {
		end := len(t.text)
		if h > q {
			end = h
		}
		parts = s.queryParts(t.text, q+1, end, "query parameter ", parts)
	}
	if h >= 0 {
		parts = s.queryParts(t.text, h+1, len(t.text), "fragment parameter ", parts)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].from < parts[j].from })
	s.blankParts(u, t, path, parts, false)
}

// queryParts adds the credential parameters of text[from:to], a query or
// fragment, to parts.
func (s *scanner) queryParts(text string, from, end int, label string, parts []part) []part {
	for at := from; at < end; {
		amp := strings.IndexByte(text[at:end], '&')
		stop := end
		if amp >= 0 {
			stop = at + amp
		}
		if eq := strings.IndexByte(text[at:stop], '='); eq >= 0 {
			name := unescapeQuery(text[at : at+eq])
			from := at + eq + 1
			if why, secret := s.classify(name, unescapeQuery(text[from:stop]), ruleQuery); secret {
				parts = append(parts, part{from, stop, name, label + kindName(name) + why})
			}
		}
		at = stop + 1
	}
	return parts
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// body scans urlencoded and form-data fields, raw and GraphQL bodies,
// whichever mode is selected: Postman keeps the other modes' bodies in
// the file too.
func (s *scanner) body(b gjson.Result, path string) {
	if !b.IsObject() {
		return
	}
	f := collection.Fields(b)
	s.fieldList(f["urlencoded"], path, "urlencoded", "urlencoded field ")
	s.fieldList(f["formdata"], path, "formdata", "form-data field ")
	if raw, ok := f["raw"]; ok {
		s.freeText(raw, pathOf(path, ".raw"), "raw body", dataText)
	}
	if g := f["graphql"]; g.IsObject() {
		if q, ok := collection.Field(g, "query"); ok {
			s.freeText(q, pathOf(path, ".graphql.query"), "GraphQL query", plainText)
		}
		if v, ok := collection.Field(g, "variables"); ok {
			s.freeText(v, pathOf(path, ".graphql.variables"), "GraphQL variables", dataText)
		}
	}
}

// fieldList scans urlencoded or form-data fields, path.member.
func (s *scanner) fieldList(list gjson.Result, path, member, label string) {
	if !list.IsArray() {
		return // before building paths: most lists are absent
	}
	s.entries(list, path+"."+member, func(e entry) {
		s.entryDescription(e, path, "."+member)
		if e.typ.String() == "file" {
			return // a file upload: its value is a path, not the content
		}
		name := e.key.String()
		if t, ok := text(e.value); ok {
			if why, secret := s.classify(name, t, ruleName); secret {
				s.blank(e.value, index(path+"."+member, e.i)+".value", name, label+kindName(name)+why, false)
			} else if hasParts(e.value) {
				s.valueParts(e.value, index(path+"."+member, e.i)+".value", label+kindName(name))
			}
		}
	})
}

// variables scans a variable list: an environment's or globals' values,
// a collection's, folder's or request's variables.
func (s *scanner) variables(list gjson.Result, base string) {
	s.entries(list, base, func(e entry) {
		s.entryDescription(e, base, "")
		k := e.key
		if !k.Exists() {
			k = e.id // v2.0 variables may be named by id
		}
		name := k.String()
		t, ok := text(e.value)
		if !ok {
			return
		}
		typed := e.typ.String() == "secret"
		rule := ruleName
		if typed {
			rule = ruleAlways
		}
		why, secret := s.classify(name, t, rule)
		if !secret {
			if hasParts(e.value) {
				s.valueParts(e.value, index(base, e.i)+".value", "variable "+kindName(name))
			}
			return
		}
		kind := "variable " + kindName(name) + why
		if typed {
			kind = "secret " + kind
		}
		s.blank(e.value, index(base, e.i)+".value", name, kind, false)
	})
}

// normalize removes the members Postman adds on every export.
func (s *scanner) normalize(root gjson.Result) {
	top := collection.Fields(root)
	for _, key := range []string{"_postman_exported_at", "_postman_exported_using"} {
		if v, ok := top[key]; ok {
			s.noise(root, v, key, key)
		}
	}
	if info := top["info"]; info.IsObject() && s.doc.Kind.IsCollection() {
		if v, ok := collection.Field(info, "_exporter_id"); ok {
			s.noise(info, v, "_exporter_id", "info._exporter_id")
		}
	}
}

func (s *scanner) noise(obj, v gjson.Result, key, path string) {
	s.findings = append(s.findings, Finding{Path: path, Kind: "export noise", Key: key, Value: v, Noise: true,
		start: v.Index, end: v.Index})
	s.ed.DeleteMember(obj, key)
}

// locate sets the line and column of every finding, in one pass over the
// body (findings are sorted by offset): a 60 MB minified file has one line.
func locate(body []byte, fs []Finding) {
	line, col, at := 1, 1, 0
	for i := range fs {
		off := fs[i].start
		for {
			nl := bytes.IndexByte(body[at:off], '\n')
			if nl < 0 {
				break
			}
			line, col, at = line+1, 1, at+nl+1
		}
		col += utf8.RuneCount(body[at:off])
		at = off
		fs[i].Pos = collection.Position{Line: line, Col: col}
	}
}
