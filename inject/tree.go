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
	id     string   // requests: the item's id (pm.info.requestId), if it has one
	names  []string // folders: names from the top-level item down to this one
	folder bool
	parent int // index in the tree, -1 at the top level

	auth     span   // own auth value; absent when the item inherits
	member   span   // the auth member's value as written (maybe null, or type inherit)
	authType string // "" when the item inherits (no block, or null)
	facts    facts  // of its own bearer or oauth2 block
	authPath string
	holder   span // the object that holds its auth (see collection.Item.AuthHolder)
	request  span // requests only

	// What a request sends by itself, whatever auth applies.
	headers []string // enabled Authorization header values (see builder.headers)
	read    bool     // headers has been read

	// From the item's own enabled scripts.
	setsAuthorization bool   // a pre-request script that mentions the Authorization header
	setsNextRequest   bool   // a test script that calls setNextRequest
	tokenScript       string // path of a script that looks like a token fetch, or ""
}

// readTree walks the collection once.
func readTree(doc *collection.Document) ([]node, error) {
	nodes := make([]node, 0, collection.ItemCount(doc))
	// stack[d] is the index of the current item at depth d.
	var stack []int
	err := collection.WalkMembers(doc, func(it *collection.Item) error {
		stack = append(stack[:it.Depth], len(nodes))
		parent := -1
		if it.Depth > 0 {
			parent = stack[it.Depth-1]
		}
		nodes = append(nodes, node{path: it.Path, folder: it.Folder, parent: parent, authPath: it.AuthPath, auth: span{-1, -1}})
		n := &nodes[len(nodes)-1]
		if it.Folder {
			nameValue, _ := it.Member("name")
			name := nameValue.String()
			if parent >= 0 {
				pn := nodes[parent].names
				n.names = append(pn[:len(pn):len(pn)], name)
			} else {
				n.names = []string{name}
			}
		}
		n.holder, n.member = spanOf(it.AuthHolder), spanOf(it.Auth)
		if t := collection.AuthType(it.Auth); t != "" {
			n.auth, n.authType = n.member, t
			n.facts = readFacts(it.Auth, t)
		}
		if !it.Folder {
			if id, ok := it.Member("id"); ok && id.Type == gjson.String {
				n.id = id.Str
			}
			n.request = spanOf(it.Request)
		}
		if ev, ok := it.Member("event"); ok && (collection.MentionsAuthorization(ev.Raw) || strings.Contains(ev.Raw, "Request")) {
			readScripts(n, ev, it.Path+".event")
		}
		return nil
	})
	return nodes, err
}

// userinfo matches scheme://user:password@ at the start of a URL; Postman
// sends those credentials as a Basic Authorization header.
var userinfo = regexp.MustCompile(`^\s*[A-Za-z{][^/?#\s]*://[^/?#@\s]*@`)

func urlHasUserinfo(doc *collection.Document, req gjson.Result) bool {
	if strings.IndexByte(req.Raw, '@') < 0 {
		return false // most requests: no need to find the URL
	}
	u := req
	if req.IsObject() {
		u, _ = doc.Member(req, "url")
	}
	raw := u.String()
	if u.IsObject() {
		// v2.1's URL object may carry the credentials as its own member.
		if a, ok := collection.Field(u, "auth"); ok && a.IsObject() {
			if user, _ := collection.Field(a, "user"); user.String() != "" {
				return true
			}
		}
		r, _ := collection.Field(u, "raw")
		raw = r.String()
	}
	if strings.IndexByte(raw, '@') < 0 {
		return false
	}
	// A {{variable}} may hold any character: read each as one.
	return userinfo.MatchString(varRef.ReplaceAllString(raw, "v"))
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

// span is where a value is in the document: nodes keep two offsets
// rather than a gjson.Result (80 bytes), as a collection may have 80,000.
type span struct{ start, end int32 }

func spanOf(r gjson.Result) span {
	if !r.Exists() {
		return span{-1, -1}
	}
	return span{int32(r.Index), int32(r.Index + len(r.Raw))}
}

func (s span) exists() bool { return s.start >= 0 }

// value is the JSON value at s.
func value(doc *collection.Document, s span) gjson.Result {
	if !s.exists() {
		return gjson.Result{}
	}
	return doc.ValueAt(int(s.start), int(s.end))
}

// authorizationHeaders returns a request's enabled Authorization header
// values, read on first use: most requests never need them.
func (n *node) authorizationHeaders(doc *collection.Document) []string {
	if !n.read {
		n.read = true
		if !n.folder {
			n.headers = collection.AuthorizationHeaders(doc, value(doc, n.request))
		}
	}
	return n.headers
}

// ref is what collection.PlanInject needs to edit the item.
func (n *node) ref(doc *collection.Document) collection.ItemRef {
	return collection.NewItemRef(n.path, n.authPath, value(doc, n.holder), value(doc, n.member), value(doc, n.request))
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
