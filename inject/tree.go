package inject

import (
	"regexp"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// node is one folder or request, as Build needs it after the walk (the
// collection.Item itself lives for one visit only).
type node struct {
	path   string   // JSON path, e.g. item[2].item[0]
	names  []string // names from the top-level item down to this one
	folder bool
	parent int // index in the tree, -1 at the top level
	offset int // of the item object, the key of collection.InjectPlan.Items

	auth     gjson.Result // own auth value; absent when the item inherits
	authType string       // "" when the item inherits (no block, null, "inherit")
	authPath string
	holder   bool // the item can hold an auth block (a folder, or a request object)

	// What a request sends by itself, whatever auth applies.
	headers  []string // enabled Authorization header values
	userinfo bool     // user:password@ in its URL

	// From the item's own enabled scripts.
	setsAuthorization bool   // a pre-request script that mentions the Authorization header
	setsNextRequest   bool   // a test script that calls setNextRequest
	tokenScript       string // path of a script that looks like a token fetch, or ""
}

// readTree walks the collection once.
func readTree(doc *collection.Document) ([]node, error) {
	var nodes []node
	// stack[d] is the index of the current item at depth d.
	var stack []int
	err := collection.Walk(doc, func(it *collection.Item) error {
		stack = append(stack[:it.Depth], len(nodes))
		parent := -1
		if it.Depth > 0 {
			parent = stack[it.Depth-1]
		}
		n := node{path: it.Path, folder: it.Folder, parent: parent, offset: it.Value.Index, authPath: it.AuthPath}
		name := it.Fields["name"].String()
		if parent >= 0 {
			pn := nodes[parent].names
			n.names = append(pn[:len(pn):len(pn)], name)
		} else {
			n.names = []string{name}
		}
		n.holder = it.AuthHolder.Exists()
		if t := collection.AuthType(it.Auth); t != "" && t != "inherit" {
			n.auth, n.authType = it.Auth, t
		}
		if !it.Folder {
			n.headers = collection.AuthorizationHeaders(doc, it)
			n.userinfo = urlHasUserinfo(it.Request)
		}
		if ev, ok := it.Fields["event"]; ok {
			readScripts(&n, ev, it.Path+".event")
		}
		nodes = append(nodes, n)
		return nil
	})
	return nodes, err
}

// userinfo matches scheme://user:password@ at the start of a URL; Postman
// sends those credentials as a Basic Authorization header.
var userinfo = regexp.MustCompile(`^\s*[A-Za-z{][^/?#\s]*://[^/?#@\s]*@`)

func urlHasUserinfo(req gjson.Result) bool {
	u := req
	if req.IsObject() {
		u, _ = collection.Field(req, "url")
	}
	raw := u.String()
	if u.IsObject() {
		r, _ := collection.Field(u, "raw")
		raw = r.String()
	}
	return strings.Contains(raw, "@") && userinfo.MatchString(raw)
}

// readScripts notes what an item's own enabled scripts do, from their text.
// This is a reading, not an execution: a script that mentions the
// Authorization header is taken to set it (a request that does so keeps its
// own header, so a false alarm costs nothing but a token not used).
func readScripts(n *node, events gjson.Result, path string) {
	if !events.IsArray() {
		return
	}
	i := -1
	events.ForEach(func(_, ev gjson.Result) bool {
		i++
		listen, _ := collection.Field(ev, "listen")
		disabled, _ := collection.Field(ev, "disabled")
		if !ev.IsObject() || disabled.Bool() {
			return true
		}
		text := userLines(ev.Get("script.exec"))
		switch listen.String() {
		case "prerequest":
			if containsFold(text, "authorization") {
				n.setsAuthorization = true
			}
			if n.tokenScript == "" && looksLikeTokenFetch(text) {
				n.tokenScript = path + "[" + itoa(i) + "]"
			}
		case "test":
			if strings.Contains(text, "setNextRequest") {
				n.setsNextRequest = true
			}
			if n.tokenScript == "" && looksLikeTokenFetch(text) {
				n.tokenScript = path + "[" + itoa(i) + "]"
			}
		}
		return true
	})
}

// userLines is a script's text without pmprep's own block.
func userLines(exec gjson.Result) string {
	if !exec.IsArray() {
		return exec.String()
	}
	var b strings.Builder
	ours := false
	exec.ForEach(func(_, l gjson.Result) bool {
		switch s := l.String(); {
		case !ours && script.IsBegin(s):
			ours = true
		case ours && script.IsEnd(s):
			ours = false
		case !ours:
			b.WriteString(s)
			b.WriteByte('\n')
		}
		return true
	})
	return b.String()
}

// looksLikeTokenFetch recognises the hand-written token scripts pmprep
// replaces: a pm.sendRequest that asks for a grant or reads an access token.
func looksLikeTokenFetch(text string) bool {
	return strings.Contains(text, "sendRequest") &&
		(strings.Contains(text, "grant_type") || strings.Contains(text, "access_token") || containsFold(text, "accessToken"))
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}
