package collectionv3

import (
	"fmt"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"go.yaml.in/yaml/v3"
)

// SchemaV21 is the schema URL a converted collection declares.
const SchemaV21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// ID is a UUID v5 (RFC 9562) of name: pmprep's environment-id hash over a
// prefix of its own, so the same directory always converts to the same
// bytes (no id churn in git) and no converted id equals an environment's.
func ID(name string) string { return collection.EnvironmentID("collectionv3\x00" + name) }

// Convert renders c as a v2.1 collection, tab-indented like Postman's
// exports, ending in a newline. Ids are the files' own where they have one,
// else derived from the collection's name and the file's path.
func Convert(c *Collection) ([]byte, error) { return converter{seed: c.Root.Name}.convert(c) }

// ConvertForPlanning is Convert without what planning inject never reads —
// request bodies and descriptions —, about a third less to write and
// parse on a large collection. Ids and item paths are Convert's.
func ConvertForPlanning(c *Collection) ([]byte, error) {
	return converter{seed: c.Root.Name, planning: true}.convert(c)
}

func (cv converter) convert(c *Collection) ([]byte, error) {
	root := c.Root
	info := collection.Object{
		{Key: "_postman_id", Value: collection.String(cv.id(root.Def, ""))},
		{Key: "name", Value: collection.String(root.Name)},
	}
	if d := Get(defDoc(root), "description"); d != nil && !cv.planning {
		info = append(info, collection.Member{Key: "description", Value: description(d)})
	}
	info = append(info, collection.Member{Key: "schema", Value: collection.String(SchemaV21)})
	doc := collection.Object{{Key: "info", Value: info}}
	items, err := cv.items(root)
	if err != nil {
		return nil, err
	}
	doc = append(doc, collection.Member{Key: "item", Value: items})
	rest, err := cv.scope(root.Def, true)
	if err != nil {
		return nil, err
	}
	doc = append(doc, rest...)
	return []byte(collection.Encode(doc, "", collection.Style{Newline: "\n", Unit: "\t"}) + "\n"), nil
}

type converter struct {
	seed     string
	planning bool // ConvertForPlanning: no bodies, no descriptions
}

func (cv converter) id(f *File, rel string) string {
	if f != nil {
		if v := Get(f.Doc, "id"); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
			return v.Value
		}
		rel = f.Rel
	}
	return ID(cv.seed + "\x00" + rel)
}

func defDoc(f *Folder) *yaml.Node {
	if f.Def == nil {
		return nil
	}
	return f.Def.Doc
}

func (cv converter) items(f *Folder) (collection.Array, error) {
	out := collection.Array{}
	for _, it := range f.Items {
		var v collection.Object
		var err error
		if it.Folder != nil {
			v, err = cv.folder(it.Folder)
		} else {
			v, err = cv.request(it.Request)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (cv converter) folder(f *Folder) (collection.Object, error) {
	o := collection.Object{{Key: "name", Value: collection.String(f.Name)}}
	if d := Get(defDoc(f), "description"); d != nil && !cv.planning {
		o = append(o, collection.Member{Key: "description", Value: description(d)})
	}
	items, err := cv.items(f)
	if err != nil {
		return nil, err
	}
	o = append(o, collection.Member{Key: "item", Value: items})
	rest, err := cv.scope(f.Def, false)
	if err != nil {
		return nil, err
	}
	return append(o, rest...), nil
}

// scope converts what a collection or folder definition carries besides
// its items: auth, scripts and variables.
func (cv converter) scope(def *File, root bool) (collection.Object, error) {
	var o collection.Object
	if def == nil {
		return o, nil
	}
	if a := Get(def.Doc, "auth"); a != nil {
		auth, err := convertAuth(def, a)
		if err != nil {
			return nil, err
		}
		o = append(o, collection.Member{Key: "auth", Value: auth})
	}
	if ev := events(def, Get(def.Doc, "scripts")); len(ev) > 0 {
		o = append(o, collection.Member{Key: "event", Value: ev})
	}
	if vs := variables(Get(def.Doc, "variables")); len(vs) > 0 {
		o = append(o, collection.Member{Key: "variable", Value: vs})
	}
	_ = root
	return o, nil
}

func (cv converter) request(r *Request) (collection.Object, error) {
	f := r.File
	doc := f.Doc
	o := collection.Object{
		{Key: "id", Value: collection.String(cv.id(f, ""))},
		{Key: "name", Value: collection.String(r.Name)},
	}
	req := collection.Object{}
	if a := Get(doc, "auth"); a != nil {
		auth, err := convertAuth(f, a)
		if err != nil {
			return nil, err
		}
		req = append(req, collection.Member{Key: "auth", Value: auth})
	}
	method := Str(doc, "method")
	if method == "" {
		method = "GET"
	}
	req = append(req, collection.Member{Key: "method", Value: collection.String(method)})
	headers := collection.Array{}
	for _, e := range Entries(Get(doc, "headers")) {
		h := collection.Object{{Key: "key", Value: collection.String(e.Key)}, {Key: "value", Value: collection.String(scalarText(e.Value))}}
		h = appendCommon(h, e)
		headers = append(headers, h)
	}
	req = append(req, collection.Member{Key: "header", Value: headers})
	if b := Get(doc, "body"); b != nil && !cv.planning {
		body, err := convertBody(f, b)
		if err != nil {
			return nil, err
		}
		if body != nil {
			req = append(req, collection.Member{Key: "body", Value: body})
		}
	}
	req = append(req, collection.Member{Key: "url", Value: convertURL(Str(doc, "url"), Get(doc, "queryParams"), Get(doc, "pathVariables"))})
	if d := Get(doc, "description"); d != nil && !cv.planning {
		req = append(req, collection.Member{Key: "description", Value: description(d)})
	}
	if ev := events(f, Get(doc, "scripts")); len(ev) > 0 {
		o = append(o, collection.Member{Key: "event", Value: ev})
	}
	if s := Get(doc, "settings"); s != nil && s.Kind == yaml.MappingNode && len(s.Content) > 0 {
		o = append(o, collection.Member{Key: "protocolProfileBehavior", Value: settings(s)})
	}
	o = append(o, collection.Member{Key: "request", Value: req}, collection.Member{Key: "response", Value: collection.Array{}})
	return o, nil
}

// appendCommon adds a list element's disabled flag and description.
func appendCommon(o collection.Object, e Entry) collection.Object {
	if e.Disabled {
		o = append(o, collection.Member{Key: "disabled", Value: collection.Bool(true)})
	}
	if d := Get(e.Elem, "description"); d != nil {
		o = append(o, collection.Member{Key: "description", Value: description(d)})
	}
	return o
}

func description(d *yaml.Node) collection.Fragment {
	return collection.String(scalarText(d))
}

// scalarText is a scalar's text; for anything else the YAML it was written
// as, so no value is silently dropped.
func scalarText(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil:
		return ""
	case n.Kind == yaml.ScalarNode:
		if n.Tag == "!!null" {
			return ""
		}
		return n.Value
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

// value converts any YAML node to JSON: scalars by their resolved tag.
func value(n *yaml.Node) collection.Fragment {
	if n != nil && n.Kind == yaml.AliasNode {
		if t := resolve(n); t != nil && t.Kind != yaml.ScalarNode {
			// An alias to a list or map stays YAML text: expanding nested
			// aliases could grow without bound ("billion laughs").
			return collection.String(scalarText(t))
		}
	}
	n = resolve(n)
	if n == nil {
		return collection.Raw("null")
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!bool":
			return collection.Bool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
		case "!!null":
			return collection.Raw("null")
		case "!!int", "!!float":
			var f float64
			if _, err := fmt.Sscan(n.Value, &f); err == nil && !strings.ContainsAny(n.Value, "xXoO_:") && !strings.EqualFold(n.Value, ".inf") && !strings.EqualFold(n.Value, ".nan") {
				return collection.Raw(strings.TrimPrefix(n.Value, "+"))
			}
		}
		return collection.String(n.Value)
	case yaml.SequenceNode:
		a := collection.Array{}
		for _, e := range n.Content {
			a = append(a, value(e))
		}
		return a
	case yaml.MappingNode:
		o := collection.Object{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			o = append(o, collection.Member{Key: n.Content[i].Value, Value: value(n.Content[i+1])})
		}
		return o
	}
	return collection.Raw("null")
}

// convertAuth turns {type, credentials} (credentials a map or a key/value
// list) into v2.1's {type, <type>: [{key, value, type}]}. A definition's
// auth list (multi-auth) converts when it holds one entry: v2.1 has no
// rules to choose between several.
func convertAuth(f *File, a *yaml.Node) (collection.Fragment, error) {
	if a.Kind == yaml.SequenceNode {
		if len(a.Content) != 1 {
			return nil, errAt(f, a, fmt.Sprintf("%d auth entries: v2.1 has one auth per level", len(a.Content)), "keep one entry to convert, or run the directory with the Postman CLI")
		}
		a = resolve(a.Content[0])
	}
	if a.Kind != yaml.MappingNode {
		return nil, errAt(f, a, "auth is not a mapping", "write auth as {type, credentials}")
	}
	t := Str(a, "type")
	if t == "" {
		return nil, errAt(f, a, "auth has no type", "add `type:` (bearer, basic, oauth2, noauth, …)")
	}
	o := collection.Object{{Key: "type", Value: collection.String(t)}}
	if t == "noauth" {
		return o, nil
	}
	params := collection.Array{}
	for _, e := range Entries(Get(a, "credentials")) {
		typ := "string"
		if v := resolve(e.Value); v != nil && v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
			typ = "boolean"
		} else if v != nil && v.Kind != yaml.ScalarNode {
			typ = "any"
		}
		params = append(params, collection.Object{
			{Key: "key", Value: collection.String(e.Key)},
			{Key: "value", Value: value(e.Value)},
			{Key: "type", Value: collection.String(typ)},
		})
	}
	return append(o, collection.Member{Key: t, Value: params}), nil
}

// events converts scripts to v2.1 events.
func events(f *File, s *yaml.Node) collection.Array {
	out := collection.Array{}
	if s == nil || s.Kind != yaml.SequenceNode {
		return out
	}
	for _, e := range s.Content {
		e = resolve(e)
		listen := scriptKinds[Str(e, "type")] // Read checked every type
		lang := Str(e, "language")
		if lang == "" {
			lang = "text/javascript"
		}
		lines := collection.Array{}
		for _, l := range strings.Split(scalarText(Get(e, "code")), "\n") {
			lines = append(lines, collection.String(l))
		}
		out = append(out, collection.Object{
			{Key: "listen", Value: collection.String(listen)},
			{Key: "script", Value: collection.Object{
				{Key: "type", Value: collection.String(lang)},
				{Key: "exec", Value: lines},
			}},
		})
	}
	return out
}

func variables(n *yaml.Node) collection.Array {
	out := collection.Array{}
	for _, e := range Entries(n) {
		v := collection.Object{{Key: "key", Value: collection.String(e.Key)}, {Key: "value", Value: value(e.Value)}}
		if t := Str(e.Elem, "type"); t != "" {
			v = append(v, collection.Member{Key: "type", Value: collection.String(t)})
		}
		out = append(out, appendCommon(v, e))
	}
	return out
}

// bodyRaw maps v3 body types with text content to v2.1's raw language.
var bodyRaw = map[string]string{"json": "json", "text": "text", "xml": "xml", "html": "html", "javascript": "javascript"}

func convertBody(f *File, b *yaml.Node) (collection.Fragment, error) {
	t := Str(b, "type")
	content := Get(b, "content")
	switch {
	case t == "" || t == "none":
		return nil, nil
	case bodyRaw[t] != "":
		return collection.Object{
			{Key: "mode", Value: collection.String("raw")},
			{Key: "raw", Value: collection.String(scalarText(content))},
			{Key: "options", Value: collection.Object{{Key: "raw", Value: collection.Object{{Key: "language", Value: collection.String(bodyRaw[t])}}}}},
		}, nil
	case t == "urlencoded" || t == "formdata":
		fields := collection.Array{}
		for _, e := range Entries(content) {
			fo := collection.Object{{Key: "key", Value: collection.String(e.Key)}}
			ft := Str(e.Elem, "type")
			if ft == "file" {
				fo = append(fo, collection.Member{Key: "type", Value: collection.String("file")})
				if src := Get(e.Elem, "src"); src != nil {
					fo = append(fo, collection.Member{Key: "src", Value: value(src)})
				}
			} else {
				fo = append(fo, collection.Member{Key: "value", Value: collection.String(scalarText(e.Value))}, collection.Member{Key: "type", Value: collection.String("text")})
			}
			if ct := Str(e.Elem, "contentType"); ct != "" {
				fo = append(fo, collection.Member{Key: "contentType", Value: collection.String(ct)})
			}
			fields = append(fields, appendCommon(fo, e))
		}
		return collection.Object{{Key: "mode", Value: collection.String(t)}, {Key: t, Value: fields}}, nil
	case t == "graphql":
		return collection.Object{
			{Key: "mode", Value: collection.String("graphql")},
			{Key: "graphql", Value: collection.Object{
				{Key: "query", Value: collection.String(Str(content, "query"))},
				{Key: "variables", Value: collection.String(Str(content, "variables"))},
			}},
		}, nil
	case t == "file":
		src := Get(content, "src")
		if src == nil {
			src = content
		}
		return collection.Object{{Key: "mode", Value: collection.String("file")}, {Key: "file", Value: collection.Object{{Key: "src", Value: collection.String(scalarText(src))}}}}, nil
	}
	return nil, errAt(f, Get(b, "type"), fmt.Sprintf("unknown body type %q", t), "use json, text, xml, html, javascript, urlencoded, formdata, graphql, file or none")
}

// settings converts request settings to v2.1's protocolProfileBehavior
// (the same names; disabledSystemHeaders is a list in v3, a map in v2.1).
func settings(s *yaml.Node) collection.Object {
	o := collection.Object{}
	for i := 0; i+1 < len(s.Content); i += 2 {
		k, v := s.Content[i].Value, resolve(s.Content[i+1])
		if k == "disabledSystemHeaders" && v.Kind == yaml.SequenceNode {
			m := collection.Object{}
			for _, h := range v.Content {
				m = append(m, collection.Member{Key: scalarText(h), Value: collection.Bool(true)})
			}
			o = append(o, collection.Member{Key: k, Value: m})
			continue
		}
		o = append(o, collection.Member{Key: k, Value: value(v)})
	}
	return o
}

// convertURL writes the URL as v2.1's string form, which newman parses as
// the Postman CLI does; a request with path variables (:id) needs the
// object form, whose variable list carries their values.
func convertURL(raw string, query, pathVars *yaml.Node) collection.Fragment {
	vars := Entries(pathVars)
	if len(vars) == 0 {
		return collection.String(raw)
	}
	o := collection.Object{{Key: "raw", Value: collection.String(raw)}}
	rest := raw
	hash := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, hash = rest[:i], rest[i+1:]
	}
	q := ""
	hasQuery := false
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, q, hasQuery = rest[:i], rest[i+1:], true
	}
	if i := strings.Index(rest, "://"); i >= 0 {
		o = append(o, collection.Member{Key: "protocol", Value: collection.String(rest[:i])})
		rest = rest[i+3:]
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i+1:]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "}") {
		o = append(o, collection.Member{Key: "port", Value: collection.String(host[i+1:])})
		host = host[:i]
	}
	hosts := collection.Array{}
	for _, h := range strings.Split(host, ".") {
		hosts = append(hosts, collection.String(h))
	}
	o = append(o, collection.Member{Key: "host", Value: hosts})
	paths := collection.Array{}
	if path != "" || strings.Contains(rest, "/") {
		for _, p := range strings.Split(path, "/") {
			paths = append(paths, collection.String(p))
		}
	}
	o = append(o, collection.Member{Key: "path", Value: paths})
	if hasQuery {
		qs := collection.Array{}
		for _, kv := range strings.Split(q, "&") {
			k, v, ok := strings.Cut(kv, "=")
			var val collection.Fragment = collection.Raw("null")
			if ok {
				val = collection.String(v)
			}
			qs = append(qs, collection.Object{{Key: "key", Value: collection.String(k)}, {Key: "value", Value: val}})
		}
		o = append(o, collection.Member{Key: "query", Value: qs})
	}
	if hash != "" {
		o = append(o, collection.Member{Key: "hash", Value: collection.String(hash)})
	}
	vs := collection.Array{}
	for _, e := range vars {
		v := collection.Object{{Key: "key", Value: collection.String(e.Key)}, {Key: "value", Value: collection.String(scalarText(e.Value))}}
		vs = append(vs, appendCommon(v, e))
	}
	_ = query
	return append(o, collection.Member{Key: "variable", Value: vs})
}
