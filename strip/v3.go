package strip

// Collection format v3 (Postman 12's YAML files): the same rules as for
// v2.1 JSON, applied to the v3 shapes, blanked by collectionv3.EditScalars
// so every byte outside the blanked scalars stays.

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/collectionv3"
	"go.yaml.in/yaml/v3"
)

// V3Finding is one secret found in a v3 file.
type V3Finding struct {
	Path string              // YAML path of the value, e.g. auth.credentials.password, headers[1].value, url
	Kind string              // what it is, as for v2.1: "bearer token", "Authorization header", "query parameter access_token"
	Key  string              // the credential, header, parameter or variable name
	Pos  collection.Position // line and column of the scalar holding it
	// InName: the secret is in a key (a header or variable name):
	// reported, not blanked, as for v2.1.
	InName bool
}

// V3Result is what ScanV3 found and did to one file.
type V3Result struct {
	Findings []V3Finding // in file order
	Silenced int         // findings the allow-list silenced (left in place)
	Out      []byte      // the stripped file; the input itself when nothing changed
	Changed  bool
}

// IsV3File reports whether name is a v3 YAML file strip reads: a request,
// a saved example, a collection or folder definition, or an environment.
func IsV3File(name string) bool {
	base := filepath.Base(name)
	for _, suffix := range []string{".request.yaml", ".request.yml", ".environment.yaml", ".environment.yml", ".example.yaml", ".example.yml"} {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return base == "definition.yaml" || base == "definition.yml"
}

// IsPostmanFile reports whether name is a Postman JSON export strip reads
// when it walks a directory: a collection, environment or globals export,
// or an "Export data" dump (the names the pre-commit hooks match).
func IsPostmanFile(name string) bool {
	base := filepath.Base(name)
	for _, suffix := range []string{".postman_collection.json", ".postman_environment.json", ".postman_globals.json", ".postman.json"} {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return false
}

// ScanV3 finds the secrets of one v3 file (name decides its kind; it is
// also what errors print) and blanks them.
func ScanV3(name string, data []byte, opts Options) (V3Result, error) {
	top, err := collectionv3.ParseYAML(name, data)
	if err != nil {
		return V3Result{}, err
	}
	s := &v3scanner{scanner: scanner{opts: opts, names: map[nameRule]bool{}}, edited: map[*yaml.Node]bool{}}
	base := filepath.Base(name)
	s.name(collectionv3.Get(top, "name"), "name")
	switch {
	case strings.Contains(base, ".environment."):
		s.variables(collectionv3.Get(top, "values"), "values")
	case strings.HasPrefix(base, "definition."):
		s.auth(collectionv3.Get(top, "auth"), "auth")
		s.variables(collectionv3.Get(top, "variables"), "variables")
	case strings.Contains(base, ".example."):
		s.request(collectionv3.Get(top, "request"), "request.")
		s.responseHeaders(collectionv3.Get(collectionv3.Get(top, "response"), "headers"), "response.headers")
	default:
		s.request(top, "")
	}
	sort.SliceStable(s.found, func(i, j int) bool {
		a, b := s.found[i].Pos, s.found[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	res := V3Result{Findings: s.found, Silenced: s.silenced, Out: data}
	if len(s.edits) > 0 {
		out, err := collectionv3.EditScalars(data, s.edits)
		if err != nil {
			return V3Result{}, &collection.InputError{File: name, Msg: err.Error()}
		}
		res.Out, res.Changed = out, string(out) != string(data)
	}
	return res, nil
}

type v3scanner struct {
	scanner
	found  []V3Finding
	edits  []collectionv3.ScalarEdit
	edited map[*yaml.Node]bool
}

// blank records the scalar v as a secret and blanks it.
func (s *v3scanner) blank(v *yaml.Node, path, key, kind string, header bool) {
	if s.allowed(path, key, header) {
		s.silenced++
		return
	}
	s.found = append(s.found, V3Finding{Path: path, Kind: kind, Key: redacted(key), Pos: collectionv3.Pos(v)})
	if !s.edited[v] { // two aliases of one anchored scalar: one edit
		s.edited[v] = true
		s.edits = append(s.edits, collectionv3.ScalarEdit{Node: v})
	}
}

// v3Scalar is a node's text when a secret can be blanked from it: a string
// or a number.
func v3Scalar(v *yaml.Node) (string, bool) {
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Tag == "!!bool" {
		return "", false
	}
	return v.Value, true
}

// v3EntryPath is the path of an entry's value: key.name in the map form
// (a name holding a secret redacted), [i].value in the list form.
func v3EntryPath(base string, i int, e collectionv3.Entry) string {
	if e.Elem == nil {
		return base + "." + redacted(e.Key)
	}
	return base + "[" + strconv.Itoa(i) + "].value"
}

// entries lists the entries of a header, parameter, field or variable
// list (collectionv3.Entries), first reporting each key that holds a
// secret: as for v2.1, it cannot be blanked without changing the file's
// structure, so it is reported and the user removes it.
func (s *v3scanner) entries(list *yaml.Node, base string) []collectionv3.Entry {
	es := collectionv3.Entries(list)
	for i, e := range es {
		if !secretName(e.Key) {
			continue
		}
		path := base + "[" + strconv.Itoa(i) + "].key"
		if e.Elem == nil {
			path = base + "." + redacted(e.Key)
		}
		if s.allowed(path, e.Key, false) {
			s.silenced++
			continue
		}
		s.found = append(s.found, V3Finding{Path: path, Kind: "secret in the name " + kindName(e.Key) + " (cannot be blanked: remove it by hand)",
			Pos: collectionv3.Pos(e.KeyNode), InName: true})
	}
	return es
}

// request scans a request (a request file, or an example's request:
// prefix "request.").
func (s *v3scanner) request(top *yaml.Node, prefix string) {
	if top == nil {
		return
	}
	s.auth(collectionv3.Get(top, "auth"), prefix+"auth")
	for i, e := range s.entries(collectionv3.Get(top, "headers"), prefix+"headers") {
		if t, ok := v3Scalar(e.Value); ok {
			if why, secret := s.classify(e.Key, t, ruleHeader); secret {
				s.blank(e.Value, v3EntryPath(prefix+"headers", i, e), e.Key, kindName(strings.TrimSpace(e.Key))+" header"+why, true)
			}
		}
	}
	query := collectionv3.Get(top, "queryParams")
	for i, e := range s.entries(query, prefix+"queryParams") {
		if t, ok := v3Scalar(e.Value); ok {
			if why, secret := s.classify(e.Key, t, ruleQuery); secret {
				s.blank(e.Value, v3EntryPath(prefix+"queryParams", i, e), e.Key, "query parameter "+kindName(e.Key)+why, false)
			}
		}
	}
	for i, e := range s.entries(collectionv3.Get(top, "pathVariables"), prefix+"pathVariables") {
		if t, ok := v3Scalar(e.Value); ok {
			if why, secret := s.classify(e.Key, t, ruleName); secret {
				s.blank(e.Value, v3EntryPath(prefix+"pathVariables", i, e), e.Key, "path variable "+kindName(e.Key)+why, false)
			}
		}
	}
	s.url(collectionv3.Get(top, "url"), prefix+"url")
	if b := collectionv3.Get(top, "body"); b != nil {
		switch t := collectionv3.Str(b, "type"); t {
		case "urlencoded", "formdata":
			label := "urlencoded field "
			if t == "formdata" {
				label = "form-data field "
			}
			for i, e := range s.entries(collectionv3.Get(b, "content"), prefix+"body.content") {
				if collectionv3.Str(e.Elem, "type") == "file" {
					continue // a file upload: its value is a path, not the content
				}
				if v, ok := v3Scalar(e.Value); ok {
					if why, secret := s.classify(e.Key, v, ruleName); secret {
						s.blank(e.Value, v3EntryPath(prefix+"body.content", i, e), e.Key, label+kindName(e.Key)+why, false)
					}
				}
			}
		}
	}
}

// url cuts secret query values out of the URL string: the v3 URL repeats
// the query parameters the queryParams list describes.
func (s *v3scanner) url(u *yaml.Node, path string) {
	raw, ok := v3Scalar(u)
	if !ok {
		return
	}
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return
	}
	end := len(raw)
	if h := strings.IndexByte(raw[q:], '#'); h >= 0 {
		end = q + h
	}
	var cuts [][2]int
	at := q + 1
	for at <= end {
		next := strings.IndexByte(raw[at:end], '&')
		stop := end
		if next >= 0 {
			stop = at + next
		}
		if k, v, found := strings.Cut(raw[at:stop], "="); found {
			name := unescapeQuery(k)
			if why, secret := s.classify(name, unescapeQuery(v), ruleQuery); secret {
				if s.allowed(path, name, false) {
					s.silenced++
				} else {
					s.found = append(s.found, V3Finding{Path: path, Kind: "query parameter " + kindName(name) + why, Key: redacted(name), Pos: inString(u, at+len(k)+1)})
					cuts = append(cuts, [2]int{at + len(k) + 1, stop})
				}
			}
		}
		if next < 0 {
			break
		}
		at = stop + 1
	}
	if len(cuts) > 0 {
		s.edits = append(s.edits, collectionv3.ScalarEdit{Node: u, Cut: cuts})
	}
}

// name cuts the credentials pasted into a request's, example's,
// collection's or environment's name, as for v2.1: the token's bytes only.
func (s *v3scanner) name(n *yaml.Node, path string) {
	t, ok := v3Scalar(n)
	if !ok || len(t) < 5 {
		return
	}
	fs, silenced := s.settle(t, nameText, func(f found) bool { return s.allowed(path, f.key, false) })
	s.silenced += silenced
	var cuts [][2]int
	for _, f := range fs {
		s.found = append(s.found, V3Finding{Path: path, Kind: f.kind + " in name", Pos: inString(n, f.ranges[0][0])})
		cuts = append(cuts, f.ranges...)
	}
	if len(cuts) > 0 {
		s.edits = append(s.edits, collectionv3.ScalarEdit{Node: n, Cut: cuts})
	}
}

// responseHeaders scans a saved response's headers (Set-Cookie and the
// like; not WWW-Authenticate, a challenge).
func (s *v3scanner) responseHeaders(h *yaml.Node, path string) {
	for i, e := range s.entries(h, path) {
		if challengeHeaders[strings.ToLower(strings.TrimSpace(e.Key))] {
			continue
		}
		if t, ok := v3Scalar(e.Value); ok {
			if why, secret := s.classify(e.Key, t, ruleHeader); secret {
				s.blank(e.Value, v3EntryPath(path, i, e), e.Key, kindName(strings.TrimSpace(e.Key))+" response header"+why, true)
			}
		}
	}
}

// auth scans {type, credentials} (credentials a map or a key/value list),
// or a definition's list of them.
func (s *v3scanner) auth(a *yaml.Node, path string) {
	if a == nil {
		return
	}
	if a.Kind == yaml.SequenceNode {
		for i, e := range a.Content {
			s.auth(e, path+"["+strconv.Itoa(i)+"]")
		}
		return
	}
	t := collectionv3.Str(a, "type")
	creds := credentialParams[t]
	if creds == nil {
		return
	}
	for i, e := range s.entries(collectionv3.Get(a, "credentials"), path+".credentials") {
		if v, ok := v3Scalar(e.Value); ok && creds[e.Key] && literal(v) {
			s.blank(e.Value, v3EntryPath(path+".credentials", i, e), e.Key, t+" "+e.Key, false)
		}
	}
}

// variables scans a definition's variables or an environment's values
// (map or list form; a list element typed secret is always one).
func (s *v3scanner) variables(list *yaml.Node, base string) {
	for i, e := range s.entries(list, base) {
		t, ok := v3Scalar(e.Value)
		if !ok {
			continue
		}
		typed := collectionv3.Str(e.Elem, "type") == "secret"
		rule := ruleName
		if typed {
			rule = ruleAlways
		}
		why, secret := s.classify(e.Key, t, rule)
		if !secret {
			continue
		}
		kind := "variable " + kindName(e.Key) + why
		if typed {
			kind = "secret " + kind
		}
		s.blank(e.Value, v3EntryPath(base, i, e), e.Key, kind, false)
	}
}

// inString is the position of byte i of a one-line scalar's value, as
// v2.1 reports a URL's query value: inside the string. (A quoted scalar
// with escapes before i is off by the escapes' extra characters.)
func inString(n *yaml.Node, i int) collection.Position {
	p := collectionv3.Pos(n)
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0, strings.Contains(n.Value[:i], "\n"):
		return p
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		p.Col++
	}
	p.Col += utf8.RuneCountInString(n.Value[:i])
	return p
}
