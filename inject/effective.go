package inject

import (
	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

// RequestAuth is the auth a request sends, as postman-runtime resolves it.
type RequestAuth struct {
	Path   string          // JSON path of the request item
	Type   string          // "" when no auth applies anywhere
	Params []collection.KV // the block's parameters
	From   string          // JSON path of the block that applies ("auth" for the collection's)
}

// EffectiveAuth returns the effective auth of every request: its own
// block, else the nearest folder's, else the collection's; a missing block,
// or null inherits; noauth stops (postman-collection's Item#getAuth). A
// block of type "inherit" is a type of its own there, which postman-runtime
// does not know: it sends nothing, and inherits nothing.
func EffectiveAuth(doc *collection.Document) ([]RequestAuth, error) {
	nodes, err := readTree(doc)
	if err != nil {
		return nil, err
	}
	root, _ := collection.Field(doc.Root(), "auth")
	type applied struct {
		auth gjson.Result
		typ  string
		from string
	}
	top := applied{}
	if t := collection.AuthType(root); t != "" {
		top = applied{root, t, "auth"}
	}
	eff := make([]applied, len(nodes))
	var out []RequestAuth
	for i := range nodes {
		n := &nodes[i]
		switch {
		case n.authType != "":
			eff[i] = applied{value(doc, n.auth), n.authType, n.authPath}
		case n.parent >= 0:
			eff[i] = eff[n.parent]
		default:
			eff[i] = top
		}
		if n.folder {
			continue
		}
		a := eff[i]
		out = append(out, RequestAuth{Path: n.path, Type: a.typ, Params: collection.AuthParams(a.auth, a.typ), From: a.from})
	}
	return out, nil
}
