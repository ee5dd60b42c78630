package inject

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/config"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Options are the settings a caller (the CLI: its config file and flags)
// brings. The zero value means "nothing said": zero-config.
type Options struct {
	// Override applies the caller's settings (config, then flags) over base:
	// the built-in defaults with what the collection says applied (an
	// earlier pmprep block, or the oauth2 block zero-config read). nil keeps
	// base. Used when Tokens is empty.
	Override func(base script.Settings) script.Settings
	// Explicit names the settings the caller set itself ("grant",
	// "client_auth", "token_url", "access_token"), so the report does not
	// list them as assumptions and zero-config does not read a third
	// party's block for them.
	Explicit map[string]bool
	// Tokens are several token domains (tokens: in pmprep.yaml), each with
	// its own variable. They replace the single domain.
	Tokens []script.Settings
	// AuthType is the collection auth block to write where one is written:
	// "bearer", "oauth2", or "" (oauth2 when the collection had one).
	AuthType string
	// Retry401 adds the collection test script; Retry401Set says the
	// caller decided (else an earlier block's choice stays).
	Retry401, Retry401Set bool
	// Decisions fills Plan.Decisions and Plan.ManagedBlocks: for a format
	// whose auth cannot carry the token (collection format v3), where the
	// caller makes its own edits from the same decisions.
	Decisions bool
}

// Plan is what inject will do.
type Plan struct {
	// Script is the settings of the generated scripts: the token domains,
	// which of them the collection auth and each folder send, and 401 retry.
	Script script.Script
	// Edit is for collection.PlanInject; its PreRequest and Test are set by
	// the caller from script.Render(Script).
	Edit collection.InjectPlan
	// AuthType is the collection auth block type written (or kept).
	AuthType string
	Report   Report
	// Decisions is, with Options.Decisions, what each request sends after
	// inject, in document order.
	Decisions []Decision
	// ManagedBlocks are, with Options.Decisions, the JSON paths of the auth
	// blocks that send a managed token ("auth" for the collection's).
	ManagedBlocks []string
}

// Decision is what one request sends after inject.
type Decision struct {
	Path   string // JSON path of the request item
	Domain int    // the managed token domain it sends, or -1
	// None: it sends no auth (no block anywhere, or noauth), whatever its
	// own headers send.
	None bool
}

// kind is what an auth (own or effective) does with tokens.
type kind uint8

const (
	inherits kind = iota // no block of its own
	none                 // sends no credentials: no auth anywhere, or noauth
	managed              // sends the token of a managed domain
	other                // sends other credentials, left alone
)

// class is an item's auth, own or effective. Small: Build keeps two per
// item (before and after inject).
type class struct {
	kind   kind
	odd    bool  // an oauth2 block that sends its token otherwise than "Authorization: Bearer"
	domain int16 // for managed
	why    int32 // for other and none: what it sends, for the report (builder.whys)
}

// Build plans inject for doc.
func Build(doc *collection.Document, opts Options) (*Plan, error) {
	if !doc.Kind.IsCollection() {
		return nil, &collection.InputError{File: doc.Name, Msg: "inject needs a collection, this is a " + doc.Kind.String() + " file"}
	}
	nodes, err := readTree(doc)
	if err != nil {
		return nil, err
	}
	b := &builder{doc: doc, opts: opts, nodes: nodes}
	b.rootAuth, _ = collection.Field(doc.Root(), "auth")
	if collection.AuthType(b.rootAuth) == "" {
		b.rootAuth = gjson.Result{}
	}
	if err := b.domains(); err != nil {
		return nil, err
	}
	if err := b.checkLiteralKeys(); err != nil {
		return nil, err
	}
	b.plan()
	return b.p, nil
}

type builder struct {
	doc      *collection.Document
	opts     Options
	nodes    []node
	rootAuth gjson.Result
	zc       *ZeroConfig
	prev     *script.Script // an earlier pmprep block's settings

	tokens []script.Settings
	// urls[d] are the accessTokenUrl values whose oauth2 blocks belong to
	// domain d (the settings' token URL and the block zero-config read).
	inheritsAfter []bool // by node: no auth of its own after inject

	whys  []string         // the report's reasons, by class.why
	whyOf map[string]int32 // and back
	urls  []map[string]bool
	urls0 map[string]bool // the single domain's, while it is settled
	p     *Plan

	classes map[string]class  // classify's memo, by the block's text
	secrets map[string]string // literalSecret's memo
}

// domainOfVar returns the domain whose token variable is name, or -1.
func (b *builder) domainOfVar(name string) int {
	for d, t := range b.tokens {
		if t.Vars.AccessToken == name {
			return d
		}
	}
	return -1
}

// intern returns the index of a report reason.
func (b *builder) intern(s string) int32 {
	if i, ok := b.whyOf[s]; ok {
		return i
	}
	if b.whyOf == nil {
		b.whyOf = map[string]int32{}
	}
	b.whys = append(b.whys, s)
	b.whyOf[s] = int32(len(b.whys) - 1)
	return b.whyOf[s]
}

// facts is what classify needs of an auth block: the token it sends (a
// bearer token, an oauth2 accessToken), an oauth2 block's token URL, and
// whether it sends the token otherwise than as "Authorization: Bearer"
// (addTokenTo queryParams, another headerPrefix or tokenType).
type facts struct {
	token, tokenURL string
	odd             bool
}

// readFacts reads them in one pass over the block's parameters.
func readFacts(auth gjson.Result, typ string) facts {
	var f facts
	if typ != "bearer" && typ != "oauth2" {
		return f
	}
	want := 1 // parameters still to find: stop reading once they are
	if typ == "oauth2" {
		want = 5
	}
	collection.EachAuthParam(auth, typ, func(k, raw string) bool {
		v, _ := collection.StringValue(raw)
		switch {
		case typ == "bearer" && k == "token", typ == "oauth2" && k == "accessToken":
			f.token = v
		case typ == "oauth2" && k == "accessTokenUrl":
			f.tokenURL = v
		case typ == "oauth2" && k == "addTokenTo":
			f.odd = f.odd || v != "" && v != "header"
		case typ == "oauth2" && k == "headerPrefix":
			f.odd = f.odd || v != "" && v != "Bearer"
		case typ == "oauth2" && k == "tokenType":
			f.odd = f.odd || v != "" && !strings.EqualFold(v, "bearer")
		default:
			return true
		}
		want--
		return want > 0
	})
	return f
}

// classify says what an auth block of type typ with facts f sends.
func (b *builder) classify(typ string, f facts) class {
	c := b.classifyKind(typ, f)
	c.odd = f.odd
	return c
}

func (b *builder) classifyKind(typ string, f facts) class {
	switch typ {
	case "":
		return class{kind: inherits}
	case "inherit":
		// Not a type postman-runtime knows: the request sends no auth.
		return class{kind: none, why: b.intern("auth type inherit, which sends nothing")}
	case "noauth":
		return class{kind: none, why: b.intern("noauth")}
	case "bearer":
		if name, ok := soleVariable(f.token); ok {
			if d := b.domainOfVar(name); d >= 0 {
				return class{kind: managed, domain: int16(d)}
			}
			return class{kind: other, why: b.intern("bearer {{" + name + "}}")}
		}
		if strings.Contains(f.token, "{{") {
			return class{kind: other, why: b.intern("bearer built from variables")}
		}
		if len(b.tokens) == 0 {
			return class{kind: other, why: b.intern("bearer")}
		}
		return class{kind: managed, domain: 0} // a pasted (stale) token, or none
	case "oauth2":
		if name, ok := soleVariable(f.token); ok {
			if d := b.domainOfVar(name); d >= 0 {
				return class{kind: managed, domain: int16(d)}
			}
		}
		for d := range b.tokens {
			if b.urls[d][f.tokenURL] {
				return class{kind: managed, domain: int16(d)}
			}
		}
		if f.tokenURL == "" {
			if f.token != "" && !strings.Contains(f.token, "{{") && len(b.tokens) > 0 {
				return class{kind: managed, domain: 0} // it only sends a pasted (stale) token
			}
			return class{kind: other, why: b.intern("oauth2 without a token URL")}
		}
		return class{kind: other, why: b.intern("oauth2 for " + f.tokenURL)}
	}
	return class{kind: other, why: b.intern(typ)}
}

// plan decides every edit and fills the report.
func (b *builder) plan() {
	p := b.p0()
	p.Edit.Items = make([]collection.ItemEdit, 0, len(b.nodes)/4)
	rep := &p.Report
	rep.ZeroConfig = b.zc

	p.Script.Retry401 = b.opts.Retry401
	if !b.opts.Retry401Set && b.prev != nil {
		p.Script.Retry401 = b.prev.Retry401
	}

	// The collection's user script: what it does applies to every request.
	rootScripts := node{}
	if ev, ok := collection.Field(b.doc.Root(), "event"); ok {
		readScripts(&rootScripts, ev, "event")
	}
	if rootScripts.tokenScript != "" {
		rep.TokenScripts = append(rep.TokenScripts, rootScripts.tokenScript)
	}

	// The collection auth: before, and after inject.
	rootType := collection.AuthType(b.rootAuth)
	rootBefore := b.classify(rootType, readFacts(b.rootAuth, rootType))
	if b.zc != nil && b.zc.Path == "auth" {
		rootBefore = class{kind: managed, odd: readFacts(b.rootAuth, rootType).odd} // the block zero-config read describes the token
	}
	if rootBefore.kind == inherits {
		rootBefore = class{kind: none, why: b.intern("no auth")}
	}
	rootAfter := rootBefore
	p.AuthType = collection.AuthType(b.rootAuth)
	switch {
	case rootBefore.kind == managed:
		if b.opts.Decisions && b.rootAuth.Exists() {
			p.ManagedBlocks = append(p.ManagedBlocks, "auth")
		}
		p.Edit.Auth = b.rewrite(b.rootAuth, int(rootBefore.domain), true)
		rootAfter = rootBefore
		if p.Edit.Auth != nil && p.Edit.Auth.Block != nil {
			p.AuthType = p.Edit.Auth.Block.Type
		}
	case !b.rootAuth.Exists() && len(b.opts.Tokens) == 0 && !rootScripts.setsAuthorization:
		// No collection auth: requests that send no credentials now send
		// the token (newly authorised).
		p.AuthType = b.authType("")
		// Written from the oauth2 block zero-config read, when it read one
		// on a folder or request: its fields for Postman's own flow move up
		// with it (that block now inherits).
		var from gjson.Result
		if b.zc != nil {
			from = b.zc.block
		}
		p.Edit.Auth = &collection.AuthEdit{Block: b.block(0, p.AuthType, from)}
		rootAfter = class{kind: managed, domain: 0}
	case !b.rootAuth.Exists() && rootScripts.setsAuthorization:
		rep.Notes = append(rep.Notes, "the collection auth stays unset: the collection's own pre-request script sets the Authorization header, and a collection auth would override it")
	}

	// Items, parents first: the effective auth before and after inject. An
	// item whose own credentials (headers, userinfo, a script) the new
	// collection auth would override gets noauth instead.
	before := make([]class, len(b.nodes))
	after := make([]class, len(b.nodes))
	b.inheritsAfter = make([]bool, len(b.nodes)) // has no auth of its own after inject
	for i := range b.nodes {
		n := &b.nodes[i]
		pb, pa := rootBefore, rootAfter
		scriptSets := rootScripts.setsAuthorization
		if n.parent >= 0 {
			pb, pa = before[n.parent], after[n.parent]
			scriptSets = scriptSets || b.nodes[n.parent].setsAuthorization
		}
		if n.setsAuthorization {
			scriptSets = true
		}
		// Inherit the parent's script flag for requests below.
		n.setsAuthorization = scriptSets
		own := b.classify(n.authType, n.facts)
		if b.zc != nil && b.zc.Path == n.authPath && n.authType != "" {
			own = class{kind: managed, odd: n.facts.odd} // the block zero-config read describes the token
		}
		if own.kind == inherits {
			before[i] = pb
		} else {
			before[i] = own
		}
		ed := collection.ItemEdit{}
		switch {
		case own.kind == managed:
			if b.opts.Decisions {
				p.ManagedBlocks = append(p.ManagedBlocks, n.authPath)
			}
			// Removed only where the inherited block sends the token the same
			// way (an oauth2 block may send it as a query parameter, or with
			// another prefix): otherwise it stays and sends the fresh token.
			if pa.kind == managed && pa.domain == own.domain && !pa.odd && !own.odd && n.holder.exists() {
				ed.RemoveAuth = true
				rep.Removed++
				b.inheritsAfter[i] = true
			} else if a := b.rewrite(value(b.doc, n.auth), int(own.domain), false); a != nil {
				ed.Auth = a
			}
			after[i] = own
		case own.kind != inherits:
			after[i] = own
			if n.authType == "oauth2" {
				if k := b.literalSecret(value(b.doc, n.auth)); k != "" {
					rep.LiteralSecrets = append(rep.LiteralSecrets, n.authPath+".oauth2."+k)
				}
			}
		case pa.kind == managed && pb.kind == none && n.holder.exists() && (b.sendsOwnCredentials(n, pa) != ""):
			// It sent credentials of its own, and the new collection auth
			// would override them: it keeps them, and no token.
			ed.Auth = &collection.AuthEdit{Block: &collection.AuthBlock{Type: "noauth"}}
			after[i] = class{kind: none, why: b.intern("noauth")}
			rep.Pinned = append(rep.Pinned, n.path+" ("+b.sendsOwnCredentials(n, pa)+")")
		default:
			after[i] = pa
			b.inheritsAfter[i] = true
		}
		// A request that sends the managed token now loses its stale bearer
		// headers: a pasted token, or one of the managed variable (under an
		// auth, the auth overrode them anyway; under none, they were the
		// token it sent, and the auth now sends it fresh).
		if !n.folder && after[i].kind == managed {
			d := after[i].domain
			tokenVar := b.tokens[d].Vars.AccessToken
			// Stale bearer headers go; the editor reads the headers of the
			// requests that may have one, once.
			if n.read && hasStaleHeader(n.headers, tokenVar) || !n.read && collection.MayHaveAuthorizationHeader(b.doc, value(b.doc, n.request)) {
				ed.DropHeader = func(v string) bool { return staleHeader(v, tokenVar) }
			}
		}
		if ed.RemoveAuth || ed.Auth != nil || ed.DropHeader != nil {
			ed.Item = n.ref(b.doc)
			p.Edit.Items = append(p.Edit.Items, ed)
		}
		if n.tokenScript != "" {
			rep.TokenScripts = append(rep.TokenScripts, n.tokenScript)
		}
	}

	// Count and group requests; rules for the script.
	rep.Domains = make([]DomainReport, len(b.tokens))
	for d, t := range b.tokens {
		rep.Domains[d] = DomainReport{Name: t.Name, Variable: t.Vars.AccessToken, Grant: t.Grant}
	}
	left := map[string][]string{}
	var leftOrder []string
	for i := range b.nodes {
		n := &b.nodes[i]
		if n.folder {
			continue
		}
		rep.Requests++
		a, bf := after[i], before[i]
		if b.opts.Decisions {
			d := Decision{Path: n.path, Domain: -1, None: a.kind == none}
			if a.kind == managed {
				d.Domain = int(a.domain)
			}
			p.Decisions = append(p.Decisions, d)
		}
		switch {
		case a.kind == managed && (bf.kind == managed || hasStaleHeader(n.authorizationHeaders(b.doc), b.tokens[a.domain].Vars.AccessToken)):
			rep.Domains[a.domain].Requests++
		case a.kind == managed:
			rep.Domains[a.domain].Requests++
			rep.Domains[a.domain].Newly = append(rep.Domains[a.domain].Newly, n.path)
		case a.kind == none && b.headerDomain(n) >= 0:
			// It sends a managed variable in its own header: the script
			// fetches that token for it (it looks at what the request sends).
			rep.Domains[b.headerDomain(n)].Requests++
			p.Script.Scan = true
		default:
			why := b.whys[a.why]
			if a.kind == none && len(n.authorizationHeaders(b.doc)) > 0 {
				why += ", its own Authorization header"
			}
			if _, ok := left[why]; !ok {
				leftOrder = append(leftOrder, why)
			}
			left[why] = append(left[why], n.path)
		}
		// A request that sends a managed variable outside its auth (a
		// header, a query parameter) gets it fresh too: the script looks.
		if p.Script.Retry401 && n.setsNextRequest {
			rep.Warnings = append(rep.Warnings, n.path+": its own test script calls setNextRequest, which wins over the 401 retry (the run says so when it happens)")
		}
	}
	for _, why := range leftOrder {
		rep.Left = append(rep.Left, LeftGroup{Why: why, Paths: left[why]})
	}

	// What the script needs per request: which domains inheriting requests
	// get, at the top (Inherit) and below folders whose inherited auth
	// differs from their parent's. The script tells folders apart by name
	// path; folders that share one but differ fetch the union.
	domainsOf := func(c class) []int {
		if c.kind == managed {
			return []int{int(c.domain)}
		}
		return nil
	}
	p.Script.Tokens = b.tokens
	p.Script.Inherit = domainsOf(rootAfter)
	type rule struct {
		path      []string
		tokens    []int
		differ    bool // some folder of this path differs from its parent
		ambiguous bool // folders of this path send different tokens
	}
	byPath := map[string]*rule{}
	var order []string
	for i := range b.nodes {
		n := &b.nodes[i]
		if !n.folder {
			continue
		}
		parent := rootAfter
		if n.parent >= 0 {
			parent = after[n.parent]
		}
		key := strings.Join(n.names, "\x00")
		mine := domainsOf(after[i])
		r, seen := byPath[key]
		if !seen {
			r = &rule{path: n.names, tokens: mine}
			byPath[key] = r
			order = append(order, key)
		} else if !sameInts(r.tokens, mine) {
			r.tokens = union(r.tokens, mine)
			if !r.ambiguous {
				rep.AmbiguousFolders = append(rep.AmbiguousFolders, strings.Join(n.names, " / "))
			}
			r.differ, r.ambiguous = true, true
		}
		if !sameTokens(after[i], parent) {
			r.differ = true
		}
	}
	for _, key := range order {
		if r := byPath[key]; r.differ {
			p.Script.Folders = append(p.Script.Folders, script.FolderRule{Path: r.path, Tokens: r.tokens})
		}
	}
	if len(rep.AmbiguousFolders) > 0 {
		shared := map[string]bool{}
		for key, r := range byPath {
			shared[key] = r.ambiguous
		}
		p.Script.Requests = b.byID(after, shared)
	}

	// Variables: only non-empty values (an empty collection variable
	// would hide the user's global of the same name).
	for _, v := range b.zc.declared(b.tokens) {
		p.Edit.Variables = append(p.Edit.Variables, v)
	}
	if b.prev != nil {
		// An older pmprep declared the inputs empty: remove those, they
		// hide globals.
		for _, t := range b.tokens {
			for _, in := range config.Inputs(t) {
				p.Edit.DropEmpty = append(p.Edit.DropEmpty, in.Name)
			}
		}
	}
}

// literalSecret returns the first oauth2 parameter of auth that holds a
// literal secret, or "".
func (b *builder) literalSecret(auth gjson.Result) string {
	found := ""
	collection.EachAuthParam(auth, "oauth2", func(k, raw string) bool {
		switch k {
		case "clientSecret", "password", "refreshToken", "accessToken":
			if v, ok := collection.StringValue(raw); ok && v != "" && !strings.Contains(v, "{{") {
				found = k
				return false
			}
		}
		return true
	})
	return found
}

// byID gives the script, by item id, what each inheriting request below a
// name path that folders of different auth share inherits: the folder
// rules cannot tell those folders apart, pm.info.requestId can. Ids that
// repeat are not used.
func (b *builder) byID(after []class, shared map[string]bool) map[string][]int {
	below := make([]bool, len(b.nodes)) // under a shared name path
	count := map[string]int{}
	for i := range b.nodes {
		n := &b.nodes[i]
		if n.parent >= 0 {
			below[i] = below[n.parent]
		}
		if n.folder {
			below[i] = below[i] || shared[strings.Join(n.names, "\x00")]
		} else if n.id != "" {
			count[n.id]++
		}
	}
	out := map[string][]int{}
	for i := range b.nodes {
		n := &b.nodes[i]
		if n.folder || !below[i] || !b.inheritsAfter[i] || n.id == "" || count[n.id] != 1 {
			continue
		}
		tokens := []int{}
		if after[i].kind == managed {
			tokens = []int{int(after[i].domain)}
		}
		out[n.id] = tokens
	}
	return out
}

// sendsOwnCredentials says what credentials a request (or a folder, for
// the requests below it) sends by itself, or "".
func (b *builder) sendsOwnCredentials(n *node, inherited class) string {
	switch {
	case n.setsAuthorization:
		return "a script sets its Authorization header"
	case !n.folder && urlHasUserinfo(b.doc, value(b.doc, n.request)):
		return "credentials in its URL"
	}
	tokenVar := ""
	if inherited.kind == managed {
		tokenVar = b.tokens[inherited.domain].Vars.AccessToken
	}
	for _, h := range n.authorizationHeaders(b.doc) {
		// A pasted bearer token, or one of the managed variable, is the
		// token the new auth sends fresh: not credentials of its own.
		if strings.TrimSpace(h) != "" && !staleHeader(h, tokenVar) {
			return "its own Authorization header"
		}
	}
	return ""
}

// headerDomain is the domain whose variable a request's own Authorization
// header sends as a bearer token, or -1.
func (b *builder) headerDomain(n *node) int {
	for _, h := range n.authorizationHeaders(b.doc) {
		v := strings.TrimSpace(h)
		if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
			if name, ok := soleVariable(strings.TrimSpace(v[7:])); ok {
				if d := b.domainOfVar(name); d >= 0 {
					return d
				}
			}
		}
	}
	return -1
}

// staleHeader reports whether an Authorization header value is a token the
// managed auth replaces: a literal bearer token, or a bearer of the managed
// variable itself. (An empty one is left as it is: the auth overrides it,
// and removing it on a second run would break idempotence.)
func staleHeader(value, tokenVar string) bool {
	v := strings.TrimSpace(value)
	if len(v) <= 7 || !strings.EqualFold(v[:7], "bearer ") {
		return false
	}
	tok := strings.TrimSpace(v[7:])
	if name, ok := soleVariable(tok); ok {
		return tokenVar != "" && name == tokenVar
	}
	return !strings.Contains(tok, "{{")
}

func hasStaleHeader(values []string, tokenVar string) bool {
	for _, v := range values {
		if staleHeader(v, tokenVar) {
			return true
		}
	}
	return false
}

// authType is the type of a collection auth block inject writes.
// An existing collection block keeps its type unless the caller asks
// for another; a new one is oauth2 when an oauth2 block was read.
func (b *builder) authType(existing string) string {
	switch {
	case b.opts.AuthType != "":
		return b.opts.AuthType
	case existing != "":
		return existing
	case b.zc != nil:
		return "oauth2"
	}
	return "bearer"
}

// rewrite is the edit that makes a managed block send domain d's fresh
// token, keeping every other field of it; nil when it already does.
func (b *builder) rewrite(auth gjson.Result, d int, collectionLevel bool) *collection.AuthEdit {
	typ := collection.AuthType(auth)
	tokenRef := "{{" + b.tokens[d].Vars.AccessToken + "}}"
	if collectionLevel {
		if want := b.authType(typ); want != typ {
			return &collection.AuthEdit{Block: b.block(d, want, auth)}
		}
	}
	if typ == "bearer" && readFacts(auth, typ).token == tokenRef {
		return nil // already sends the variable the script publishes
	}
	params := collection.AuthParams(auth, typ)
	ed := &collection.AuthEdit{}
	set := func(key, value string) {
		for _, p := range params {
			if p.Key == key {
				if p.Value != value {
					ed.Params = append(ed.Params, collection.ParamEdit{Value: p.Result, Text: value})
				}
				return
			}
		}
		ed.Add = append(ed.Add, collection.AuthParam{Key: key, Value: value})
	}
	switch typ {
	case "bearer":
		if list, ok := collection.Field(auth, typ); !ok || !(list.IsArray() || list.IsObject()) {
			return &collection.AuthEdit{Block: b.block(d, "bearer", auth)}
		}
		set("token", tokenRef)
	case "oauth2":
		set("accessToken", tokenRef)
		// Postman's own form follows the settings the script uses, so "Get
		// New Access Token" asks for the same grant the same way.
		s := b.tokens[d]
		if g := paramOf(params, "grant_type"); scriptGrant(g) != s.Grant && !(g == "" && s.Grant == script.GrantRefreshToken) {
			set("grant_type", postmanGrant[s.Grant])
		}
		if ca, ok := collection.Param(params, "client_authentication"); ok && ca != postmanClientAuth[s.ClientAuth] {
			set("client_authentication", postmanClientAuth[s.ClientAuth])
		}
		// A literal credential among the extra token parameters is read
		// from a variable of its name (see readZeroConfig).
		for _, kv := range params {
			if kv.Key != "tokenRequestParams" || !kv.Result.IsArray() {
				continue
			}
			kv.Result.ForEach(func(_, el gjson.Result) bool {
				k, _ := collection.Field(el, "key")
				v, ok := collection.Field(el, "value")
				if ok && credentialParam(collection.KV{Key: k.String(), Value: v.String()}) {
					ed.Params = append(ed.Params, collection.ParamEdit{Value: v, Text: "{{" + k.String() + "}}"})
				}
				return true
			})
		}
		if b.zc != nil && b.zc.movedURL && auth.Index == b.zc.block.Index {
			set("accessTokenUrl", "{{"+b.tokens[d].Vars.TokenURL+"}}")
		}
		// Literal secrets move out to the variables the script reads.
		v := b.tokens[d].Vars
		for _, s := range []struct{ key, variable string }{{"clientSecret", v.ClientSecret}, {"password", v.Password}, {"refreshToken", v.RefreshToken}} {
			if val, ok := collection.Param(params, s.key); ok && val != "" && !strings.Contains(val, "{{") {
				set(s.key, "{{"+s.variable+"}}")
			}
		}
	}
	if len(ed.Params) == 0 && len(ed.Add) == 0 {
		return nil
	}
	return ed
}

// block is a whole auth block of type typ sending domain d's token. An
// oauth2 block keeps the fields of old (Postman's "Get New Access Token"
// form: authUrl, redirect_uri, state, …) and fills in the rest.
func (b *builder) block(d int, typ string, old gjson.Result) *collection.AuthBlock {
	s := b.tokens[d]
	token := "{{" + s.Vars.AccessToken + "}}"
	if typ == "bearer" {
		return &collection.AuthBlock{Type: "bearer", Params: []collection.AuthParam{{Key: "token", Value: token}}}
	}
	grant, clientAuth := postmanGrant[s.Grant], postmanClientAuth[s.ClientAuth]
	ours := []collection.AuthParam{
		{Key: "accessToken", Value: token},
		{Key: "tokenType", Value: "Bearer"},
		{Key: "addTokenTo", Value: "header"},
		{Key: "headerPrefix", Value: "Bearer"},
		{Key: "grant_type", Value: grant},
		{Key: "accessTokenUrl", Value: s.TokenURL},
		{Key: "clientId", Value: "{{" + s.Vars.ClientID + "}}"},
		{Key: "clientSecret", Value: "{{" + s.Vars.ClientSecret + "}}"},
		{Key: "client_authentication", Value: clientAuth},
	}
	if s.Scope != "" {
		ours = append(ours, collection.AuthParam{Key: "scope", Value: s.Scope})
	}
	if s.Grant == script.GrantPassword {
		ours = append(ours, collection.AuthParam{Key: "username", Value: "{{" + s.Vars.Username + "}}"},
			collection.AuthParam{Key: "password", Value: "{{" + s.Vars.Password + "}}"})
	}
	// The old block's own fields stay, and its values of ours where they
	// are not secrets or the token (its grant_type spelling, its URLs).
	var out []collection.AuthParam
	have := map[string]bool{}
	// Literal secrets never move up: each becomes its variable.
	secret := map[string]string{"accessToken": token, "clientSecret": "{{" + s.Vars.ClientSecret + "}}", "password": "{{" + s.Vars.Password + "}}", "refreshToken": "{{" + s.Vars.RefreshToken + "}}"}
	for _, kv := range collection.AuthParams(old, "oauth2") {
		if have[kv.Key] || !kv.Result.Exists() {
			continue
		}
		have[kv.Key] = true
		v := kv.Value
		for _, o := range ours {
			if o.Key == kv.Key && kv.Value == "" {
				v = o.Value
			}
		}
		moved := false
		if ref, ok := secret[kv.Key]; ok && (kv.Key == "accessToken" || v != "" && !strings.Contains(v, "{{")) {
			// A secret written as a number or an object (hand-edited
			// files) moves out too, as the summary says: as the string
			// reference.
			v, moved = ref, true
		}
		if kv.Key == "accessTokenUrl" && b.zc != nil && b.zc.movedURL {
			v = "{{" + s.Vars.TokenURL + "}}"
		}
		if kv.Key == "tokenRequestParams" && kv.Result.IsArray() {
			kv.Result.Raw = movedParams(kv.Result.Raw)
		}
		if moved || kv.Result.Type == gjson.String || kv.Result.Type == gjson.Null {
			out = append(out, collection.AuthParam{Key: kv.Key, Value: v})
		} else {
			out = append(out, collection.AuthParam{Key: kv.Key, Value: kv.Result.Raw, Raw: true})
		}
	}
	for _, o := range ours {
		if !have[o.Key] {
			out = append(out, o)
		}
	}
	return &collection.AuthBlock{Type: "oauth2", Params: out}
}

// postmanGrant and postmanClientAuth spell the settings as Postman's
// oauth2 block does.
var (
	postmanGrant = map[string]string{
		script.GrantClientCredentials: "client_credentials",
		script.GrantPassword:          "password_credentials",
		script.GrantRefreshToken:      "authorization_code",
	}
	// Postman's form knows header and body only: the other methods send
	// client_id in the body, which is what its "body" does.
	postmanClientAuth = map[string]string{script.ClientAuthBasic: "header", script.ClientAuthBody: "body",
		script.ClientAuthClientSecretJWT: "body", script.ClientAuthPrivateKeyJWT: "body", script.ClientAuthAssertion: "body",
		script.ClientAuthTLS: "body", script.ClientAuthNone: "body"}
)

// movedParams is a tokenRequestParams list with each literal credential
// replaced by a reference to a variable of its name (see readZeroConfig).
// A small fragment, so sjson's copy per edit costs nothing.
func movedParams(raw string) string {
	i := -1
	gjson.Parse(raw).ForEach(func(_, el gjson.Result) bool {
		i++
		k, v := el.Get("key").String(), el.Get("value")
		if v.Exists() && credentialParam(collection.KV{Key: k, Value: v.String()}) {
			if out, err := sjson.Set(raw, itoa(i)+".value", "{{"+k+"}}"); err == nil {
				raw = out
			}
		}
		return true
	})
	return raw
}

func paramOf(params []collection.KV, key string) string {
	v, _ := collection.Param(params, key)
	return v
}

// sameTokens reports whether two classes send the same managed token (or
// both none): what a folder rule tells the script.
func sameTokens(a, b class) bool {
	if a.kind == managed || b.kind == managed {
		return a.kind == b.kind && a.domain == b.domain
	}
	return true
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func union(a, b []int) []int {
	out := append([]int(nil), a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
