package inject

import (
	"github.com/pmprep/pmprep/internal/secretlike"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/config"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// ZeroConfig is what inject learned from an oauth2 auth block the
// collection already has, so `pmprep inject api.json` works without flags.
type ZeroConfig struct {
	Path     string // JSON path of the block read
	TokenURL string // the block's accessTokenUrl as written: blocks with it are this domain's
	// Moved are literal secrets replaced by variables (names only).
	Moved []MovedSecret
	// Notes are what zero-config assumed.
	Notes []string

	block     gjson.Result // the block read
	grantType string       // as Postman spells it
	grant     string       // the script grant grantType chose ("" when none)
	tokenVar  string       // the block's accessToken when it is one {{variable}}
	movedURL  bool         // the block's token URL carries credentials: replaced by {{token_url}}
	edits     []func(*script.Settings)
	sets      map[string]bool   // settings the block gave: grant, client_auth, token_url
	why       map[string]string // how, for the report
	// initial holds non-secret initial values of collection variables by
	// role (the default variable name), so a config that renames the
	// variable still gets the value: see declared.
	initial map[string]string
}

// MovedSecret is a literal secret taken out of the file: the JSON path it
// was at and the variable that now holds its place ("" for a stale token,
// which needs no variable).
type MovedSecret struct{ Path, Variable string }

// readZeroConfig finds the oauth2 block to read: the collection's own, else
// the first on a folder or request — of the token URL the caller named, if
// it named one (another provider's block is a third party's, never read).
func readZeroConfig(doc *collection.Document, nodes []node, rootAuth gjson.Result, tokenURL string) *ZeroConfig {
	var auth gjson.Result
	path := "auth"
	// A collection bearer auth names the token: a request's oauth2 block
	// describes it only when it sends the same variable.
	rootVar := ""
	switch collection.AuthType(rootAuth) {
	case "oauth2":
		auth = rootAuth
	case "bearer":
		tok, _ := collection.AuthParamValue(rootAuth, "bearer", "token")
		if rootVar, _ = soleVariable(tok); rootVar == "" {
			rootVar = "\x00" // a literal token: no request block is known to be its
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if auth.Exists() {
			break
		}
		if n.authType != "oauth2" {
			continue
		}
		if rootVar != "" && n.facts.token != "{{"+rootVar+"}}" {
			continue
		}
		if tokenURL != "" && n.facts.tokenURL != tokenURL {
			continue
		}
		auth, path = value(doc, n.auth), n.authPath
	}
	if !auth.Exists() {
		return nil
	}
	params := collection.AuthParams(auth, "oauth2")
	zc := &ZeroConfig{Path: path, block: auth, initial: map[string]string{}, sets: map[string]bool{}, why: map[string]string{}}
	// Older exports (postman-collection-transformer) spell some keys in camelCase.
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, _ := collection.Param(params, k); v != "" {
				return v
			}
		}
		return ""
	}
	g := get("grant_type", "grantType")
	zc.grantType = g
	describesAFetch := get("accessTokenUrl") != "" || get("authUrl") != ""
	if g == "" && describesAFetch {
		// Postman's form defaults to the authorization code grant.
		g = "authorization_code"
		zc.why["grant"] = " (it has no grant_type: Postman's default, authorization_code, was assumed)"
	}
	// A block with neither a grant nor a URL only sends a token: it says
	// nothing about how to get one.
	zc.grant = scriptGrant(g)
	zc.sets["grant"] = zc.grant != ""
	if zc.grant == script.GrantRefreshToken {
		zc.Notes = append(zc.Notes, "grant "+g+" needs a person to log in once; unattended runs use the refresh_token grant: set variable refresh_token to a refresh token obtained once")
		if zc.why["grant"] == "" {
			zc.why["grant"] = " (" + g + " renews with its refresh token)"
		}
	}
	if zc.grant != "" {
		zc.edits = append(zc.edits, func(s *script.Settings) { s.Grant = zc.grant })
	}
	zc.TokenURL = get("accessTokenUrl")
	switch get("client_authentication", "clientAuth") {
	case "header":
		zc.sets["client_auth"] = true
		zc.edits = append(zc.edits, func(s *script.Settings) { s.ClientAuth = script.ClientAuthBasic })
	case "body":
		zc.sets["client_auth"] = true
		zc.edits = append(zc.edits, func(s *script.Settings) { s.ClientAuth = script.ClientAuthBody })
	}
	if n, ok := soleVariable(get("accessToken")); ok {
		zc.tokenVar = n
	}
	defaults := script.DefaultVarNames()
	// A value that is exactly {{name}} renames the variable the script
	// reads; a literal becomes the variable's initial value (non-secrets) or
	// is moved out (secrets).
	plain := []struct {
		param   string
		varName string
		rename  func(*script.Settings, string)
		tmpl    func(*script.Settings, string)
	}{
		{"accessTokenUrl", defaults.TokenURL, nil, func(s *script.Settings, v string) { s.TokenURL = v }},
		{"clientId", defaults.ClientID, func(s *script.Settings, n string) { s.Vars.ClientID = n }, nil},
		{"scope", defaults.Scope, nil, func(s *script.Settings, v string) { s.Scope = v }},
		{"username", defaults.Username, func(s *script.Settings, n string) { s.Vars.Username = n }, nil},
	}
	for _, p := range plain {
		v := get(p.param)
		if p.param == "accessTokenUrl" && v != "" {
			zc.sets["token_url"] = true
			if urlCarriesSecret(v) {
				// Credentials in the URL (userinfo, a secret query parameter)
				// are moved out like the other secrets, never copied.
				zc.movedURL = true
				zc.Moved = append(zc.Moved, MovedSecret{Path: path + ".oauth2.accessTokenUrl", Variable: p.varName})
				continue
			}
		}
		switch {
		case v == "":
		case strings.Contains(v, "{{"):
			if name, ok := soleVariable(v); ok && p.rename != nil {
				zc.edits = append(zc.edits, func(s *script.Settings) { p.rename(s, name) })
			} else if p.tmpl != nil {
				zc.edits = append(zc.edits, func(s *script.Settings) { p.tmpl(s, v) })
			}
		default:
			zc.initial[p.varName] = v
		}
	}
	secrets := []struct {
		param   string
		varName string
		rename  func(*script.Settings, string)
	}{
		{"clientSecret", defaults.ClientSecret, func(s *script.Settings, n string) { s.Vars.ClientSecret = n }},
		{"password", defaults.Password, func(s *script.Settings, n string) { s.Vars.Password = n }},
		{"refreshToken", defaults.RefreshToken, func(s *script.Settings, n string) { s.Vars.RefreshToken = n }},
		{"accessToken", "", nil},
	}
	for _, p := range secrets {
		v := get(p.param)
		if name, ok := soleVariable(v); ok && p.rename != nil {
			zc.edits = append(zc.edits, func(s *script.Settings) { p.rename(s, name) })
		} else if v != "" && !strings.Contains(v, "{{") {
			zc.Moved = append(zc.Moved, MovedSecret{Path: path + ".oauth2." + p.param, Variable: p.varName})
		}
	}
	for _, kv := range tokenRequestParams(auth) {
		switch kv.Key {
		case "client_assertion_type":
			continue // the script sends it with the assertion
		case "client_assertion":
			// Postman has no client assertion field; users send one as an
			// extra parameter: that is client_auth assertion, its value read
			// from the client_assertion variable (or the one it names).
			zc.sets["client_auth"] = true
			zc.why["client_auth"] = " (its tokenRequestParams send a client_assertion)"
			zc.edits = append(zc.edits, func(s *script.Settings) { s.ClientAuth = script.ClientAuthAssertion })
			if name, ok := soleVariable(kv.Value); ok {
				zc.edits = append(zc.edits, func(s *script.Settings) { s.Vars.ClientAssertion = name })
			} else if credentialParam(kv) {
				zc.Moved = append(zc.Moved, MovedSecret{Path: path + ".oauth2.tokenRequestParams." + kv.Key, Variable: defaults.ClientAssertion})
			}
			continue
		}
		if credentialParam(kv) {
			// A literal credential (say client_assertion) must not be baked
			// into the script: read it from a variable of the same name.
			zc.Moved = append(zc.Moved, MovedSecret{Path: path + ".oauth2.tokenRequestParams." + kv.Key, Variable: kv.Key})
			kv.Value = "{{" + kv.Key + "}}"
		}
		if kv.Key == "audience" {
			zc.edits = append(zc.edits, func(s *script.Settings) { s.Audience = kv.Value })
		} else {
			zc.edits = append(zc.edits, func(s *script.Settings) { s.Params = append(s.Params, script.Param{Key: kv.Key, Value: kv.Value}) })
		}
	}
	return zc
}

func (zc *ZeroConfig) apply(s *script.Settings) {
	for _, e := range zc.edits {
		e(s)
	}
}

// declared lists the collection variables to declare: the block's
// non-secret values under the names the settings finally use (a config may
// have renamed them). Never an empty one: an empty collection variable
// would hide the user's global of the same name.
func (zc *ZeroConfig) declared(tokens []script.Settings) []collection.Variable {
	if zc == nil || len(tokens) == 0 {
		return nil
	}
	s := tokens[0]
	d := script.DefaultVarNames()
	out := []collection.Variable{}
	for _, r := range []struct{ role, name string }{{d.TokenURL, s.Vars.TokenURL}, {d.ClientID, s.Vars.ClientID}, {d.Scope, s.Vars.Scope}, {d.Username, s.Vars.Username}} {
		if v := zc.initial[r.role]; v != "" {
			// The script reads the token URL and scope through its
			// templates; declare the variable only where it reads one.
			if r.role == d.TokenURL && s.TokenURL != "{{"+s.Vars.TokenURL+"}}" {
				continue
			}
			if r.role == d.Scope && s.Scope != "{{"+s.Vars.Scope+"}}" {
				continue
			}
			out = append(out, collection.Variable{Key: r.name, Value: v})
		}
	}
	return out
}

// urlCarriesSecret reports whether a literal URL holds credentials:
// user:password@ or a query parameter with a secret-looking name.
func urlCarriesSecret(u string) bool {
	if strings.Contains(u, "{{") {
		return false
	}
	if i := strings.Index(u, "://"); i >= 0 {
		host := u[i+3:]
		if j := strings.IndexAny(host, "/?#"); j >= 0 {
			host = host[:j]
		}
		if strings.Contains(host, "@") {
			return true
		}
	}
	_, query, _ := strings.Cut(u, "?")
	query, _, _ = strings.Cut(query, "#")
	for _, kv := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(kv, "="); k != "" && config.LooksSecret(k) {
			return true
		}
	}
	return false
}

// credentialParam reports whether an extra token-request parameter holds a
// literal credential: a secret-looking name (secretlike's, which counts a
// client assertion, a signed JWT of RFC 7523), or a value shaped like a
// JWT; a placeholder (<client-secret>) is none.
func credentialParam(kv collection.KV) bool {
	if kv.Value == "" || strings.Contains(kv.Value, "{{") || secretlike.Placeholder(kv.Value) {
		return false
	}
	return secretlike.Name(kv.Key) || strings.HasPrefix(kv.Value, "eyJ")
}

// scriptGrant maps Postman's grant_type to the grant the script performs:
// authorization_code, implicit and PKCE need a person to log in once, and
// unattended runs renew with the refresh token that gives.
func scriptGrant(postman string) string {
	switch postman {
	case "":
		return ""
	case "client_credentials":
		return script.GrantClientCredentials
	case "password_credentials", "password":
		return script.GrantPassword
	}
	return script.GrantRefreshToken
}

// tokenRequestParams returns the enabled extra parameters Postman sends in
// the token request body.
func tokenRequestParams(auth gjson.Result) []collection.KV {
	var out []collection.KV
	raw, _ := collection.Param(collection.AuthParams(auth, "oauth2"), "tokenRequestParams")
	list := gjson.Parse(raw)
	if !list.IsArray() {
		return nil
	}
	list.ForEach(func(_, p gjson.Result) bool {
		enabled := p.Get("enabled")
		sendAs := p.Get("send_as").String()
		if (!enabled.Exists() || enabled.Bool()) && (sendAs == "" || sendAs == "request_body") && p.Get("key").String() != "" {
			out = append(out, collection.KV{Key: p.Get("key").String(), Value: p.Get("value").String()})
		}
		return true
	})
	return out
}
