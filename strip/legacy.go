package strip

import (
	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

// Files inject cannot edit but that hold secrets all the same, so strip
// scans them (collection.ParseLegacy): v1 collections, and Postman's
// "Export data" dumps — {"version": 1, "collections": [v1…],
// "environments": [{values}], "globals": [{key, value}],
// "headerPresets": [{headers}]} — which pre-commit hooks match as
// *.postman.json.

// dump scans an "Export data" dump.
func (s *scanner) dump(root gjson.Result) {
	top := collection.Fields(root)
	each(top["collections"], "collections", func(c gjson.Result, p string) {
		if _, ok := collection.Field(c, "item"); ok {
			s.items2(c, p)
			return
		}
		s.collectionV1(c, p)
	})
	each(top["environments"], "environments", func(e gjson.Result, p string) {
		s.name(fieldOf(e, "name"), pathOf(p, ".name"))
		s.variables(fieldOf(e, "values"), p+".values")
	})
	if g := top["globals"]; g.IsObject() {
		s.variables(fieldOf(g, "values"), "globals.values") // a later dump's globals export
	} else {
		s.variables(g, "globals")
	}
	each(top["headerPresets"], "headerPresets", func(h gjson.Result, p string) {
		s.headers(fieldOf(h, "headers"), p+".headers", false)
	})
}

// each calls fn for each element of a list, with its path.
func each(list gjson.Result, path string, fn func(v gjson.Result, p string)) {
	if !list.IsArray() {
		return
	}
	i := 0
	list.ForEach(func(_, v gjson.Result) bool {
		fn(v, index(path, i))
		i++
		return true
	})
}

func fieldOf(obj gjson.Result, key string) gjson.Result {
	v, _ := collection.Field(obj, key)
	return v
}

// collectionV1 scans a v1 collection: its auth, variables and events, its
// folders, and its requests with their saved responses.
func (s *scanner) collectionV1(c gjson.Result, path string) {
	if !c.IsObject() {
		return
	}
	f := collection.Fields(c)
	pre := path
	if pre != "" {
		pre += "."
	}
	s.auth(f["auth"], pre+"auth")
	s.variables(f["variables"], pre+"variables")
	s.events(f["events"], pre+"events")
	if d, ok := f["description"]; ok {
		s.description(d, pathOf(pre+"description", ""))
	}
	s.name(f["name"], pathOf(pre, "name"))
	each(f["folders"], pre+"folders", func(fo gjson.Result, p string) {
		ff := collection.Fields(fo)
		s.name(ff["name"], pathOf(p, ".name"))
		s.auth(ff["auth"], p+".auth")
		s.events(ff["events"], p+".events")
		if d, ok := ff["description"]; ok {
			s.description(d, pathOf(p, ".description"))
		}
	})
	each(f["requests"], pre+"requests", func(r gjson.Result, p string) {
		s.requestV1(r, p)
		rf := collection.Fields(r)
		each(rf["responses"], p+".responses", func(resp gjson.Result, rp string) {
			if !resp.IsObject() {
				return
			}
			resf := collection.Fields(resp)
			s.name(resf["name"], pathOf(rp, ".name"))
			s.headers(resf["headers"], rp+".headers", true)
			s.cookies(resf["cookies"], rp+".cookies")
			if t, ok := resf["text"]; ok {
				s.freeText(t, pathOf(rp, ".text"), "response body", dataText)
			}
			if req := resf["request"]; req.IsObject() {
				s.requestV1(req, rp+".request")
			}
		})
	})
}

// requestV1 scans a v1 request: headers as a string and as headerData,
// the URL and its queryParams and pathVariableData, form data, the raw
// body, the auth object and the older helperAttributes, scripts.
func (s *scanner) requestV1(r gjson.Result, p string) {
	if !r.IsObject() {
		return
	}
	f := collection.Fields(r)
	s.name(f["name"], pathOf(p, ".name"))
	s.auth(f["auth"], p+".auth")
	s.headers(f["headers"], p+".headers", false)
	s.headers(f["headerData"], p+".headerData", false)
	s.rawURL(f["url"], p+".url")
	s.queryList(f["queryParams"], p, ".queryParams")
	s.pathVariables(f["pathVariableData"], p, ".pathVariableData")
	label := "form-data field "
	if f["dataMode"].String() == "urlencoded" {
		label = "urlencoded field "
	}
	s.fieldList(f["data"], p, "data", label)
	if raw, ok := f["rawModeData"]; ok {
		s.freeText(raw, pathOf(p, ".rawModeData"), "raw body", dataText)
	}
	if h := f["helperAttributes"]; h.IsObject() {
		h.ForEach(func(k, v gjson.Result) bool {
			if t, ok := text(v); ok && looksSecret(k.Str) && literal(t) {
				s.blank(v, p+".helperAttributes."+k.Str, k.Str, "helperAttributes "+kindName(k.Str), false)
			}
			return true
		})
	}
	for _, sc := range []string{"preRequestScript", "tests"} {
		if v, ok := f[sc]; ok {
			s.freeText(v, pathOf(p, "."+sc), "script", plainText)
		}
	}
	s.events(f["events"], p+".events")
	if d, ok := f["description"]; ok {
		s.description(d, pathOf(p, ".description"))
	}
}

// items2 scans a v2 collection inside a dump, at path: Walk reads the
// document's own item tree only.
func (s *scanner) items2(c gjson.Result, path string) {
	f := collection.Fields(c)
	s.name(fieldOf(f["info"], "name"), pathOf(path, ".info.name"))
	s.auth(f["auth"], path+".auth")
	s.variables(f["variable"], path+".variable")
	s.events(f["event"], path+".event")
	s.itemList(f["item"], path+".item")
}

func (s *scanner) itemList(list gjson.Result, path string) {
	each(list, path, func(it gjson.Result, p string) {
		f := collection.Fields(it)
		s.name(f["name"], pathOf(p, ".name"))
		s.variables(f["variable"], p+".variable")
		s.events(f["event"], p+".event")
		if d, ok := f["description"]; ok {
			s.description(d, pathOf(p, ".description"))
		}
		if sub, ok := f["item"]; ok {
			s.auth(f["auth"], p+".auth")
			s.itemList(sub, p+".item")
			return
		}
		s.request(f["request"], p+".request")
		if r := f["response"]; r.IsArray() {
			s.responses(r, p+".response")
		}
	})
}
