package main

import (
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/config"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// zeroConfig is what inject learns from an oauth2 auth block the
// collection already has, so `pmprep inject api.json` works without flags.
type zeroConfig struct {
	path      string // JSON path of the block read
	grantType string // as Postman spells it, for the oauth2 block we write
	grant     string // the script grant grantType chose ("" when none)
	tokenURL  string // the block's accessTokenUrl as written: this block is ours
	settings  func(*script.Settings)
	// initial holds non-secret initial values of collection variables by
	// role (the default variable name), so a config that renames the
	// variable still gets the value: see initialValues.
	initial map[string]string
	moved   []movedSecret // literal secrets replaced by variables (names only)
	notes   []string
}

type movedSecret struct{ path, variable string }

// readZeroConfig finds the collection's oauth2 block, or the first one on
// a folder or request; nil when there is none.
func readZeroConfig(doc *collection.Document) *zeroConfig {
	var auth gjson.Result
	path := "auth"
	if a, ok := collection.Field(doc.Root(), "auth"); ok && collection.AuthType(a) == "oauth2" {
		auth = a
	} else {
		collection.Walk(doc, func(it *collection.Item) error {
			if !auth.Exists() && collection.AuthType(it.Auth) == "oauth2" {
				auth, path = it.Auth, it.AuthPath
			}
			return nil
		})
	}
	if !auth.Exists() {
		return nil
	}
	params := collection.AuthParams(auth, "oauth2")
	if isOurs(params) {
		return nil // written by pmprep: the settings come from the script block
	}
	zc := &zeroConfig{path: path, initial: map[string]string{}}
	// Older exports (postman-collection-transformer) spell some keys in camelCase.
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, _ := collection.Param(params, k); v != "" {
				return v
			}
		}
		return ""
	}
	var edits []func(*script.Settings)
	g := get("grant_type", "grantType")
	if zc.grant = scriptGrant(g); zc.grant == script.GrantRefreshToken {
		zc.notes = append(zc.notes, "grant "+g+" needs a browser; using refresh_token: set refresh_token to a refresh token obtained once")
	}
	if zc.grant != "" {
		edits = append(edits, func(s *script.Settings) { s.Grant = zc.grant })
	}
	zc.grantType = get("grant_type", "grantType")
	zc.tokenURL = get("accessTokenUrl")
	switch get("client_authentication", "clientAuth") {
	case "header":
		edits = append(edits, func(s *script.Settings) { s.ClientAuth = script.ClientAuthBasic })
	case "body":
		edits = append(edits, func(s *script.Settings) { s.ClientAuth = script.ClientAuthBody })
	}
	defaults := script.Defaults().Vars
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
		switch {
		case v == "":
		case strings.Contains(v, "{{"):
			if name, ok := soleVariable(v); ok && p.rename != nil {
				edits = append(edits, func(s *script.Settings) { p.rename(s, name) })
			} else if p.tmpl != nil {
				edits = append(edits, func(s *script.Settings) { p.tmpl(s, v) })
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
			edits = append(edits, func(s *script.Settings) { p.rename(s, name) })
		} else if v != "" && !strings.Contains(v, "{{") {
			zc.moved = append(zc.moved, movedSecret{path: path + ".oauth2." + p.param, variable: p.varName})
		}
	}
	for _, kv := range tokenRequestParams(auth) {
		if credentialParam(kv) {
			// A literal credential (say client_assertion) must not be baked
			// into the script: read it from a variable of the same name.
			zc.moved = append(zc.moved, movedSecret{path: path + ".oauth2.tokenRequestParams." + kv.Key, variable: kv.Key})
			kv.Value = "{{" + kv.Key + "}}"
		}
		if kv.Key == "audience" {
			edits = append(edits, func(s *script.Settings) { s.Audience = kv.Value })
		} else {
			edits = append(edits, func(s *script.Settings) { s.Params = append(s.Params, script.Param{Key: kv.Key, Value: kv.Value}) })
		}
	}
	zc.settings = func(s *script.Settings) {
		for _, e := range edits {
			e(s)
		}
	}
	return zc
}

func (zc *zeroConfig) apply(s *script.Settings) { zc.settings(s) }

// initialValues maps the initial values to the variable names s finally
// uses (a config may have renamed them).
func (zc *zeroConfig) initialValues(s script.Settings) map[string]string {
	if zc == nil {
		return nil
	}
	d := script.DefaultVarNames()
	byRole := map[string]string{d.TokenURL: s.Vars.TokenURL, d.ClientID: s.Vars.ClientID, d.Scope: s.Vars.Scope, d.Username: s.Vars.Username}
	out := map[string]string{}
	for role, v := range zc.initial {
		out[byRole[role]] = v
	}
	return out
}

// grantTypeFor is the grant_type to write in the oauth2 block: the
// collection's own spelling when the final grant is the one it chose.
func (zc *zeroConfig) grantTypeFor(grant string) string {
	if zc == nil || zc.grant != grant {
		return ""
	}
	return zc.grantType
}

// credentialParam reports whether an extra token-request parameter holds a
// literal credential: a secret-looking name, a client assertion (a signed
// JWT, RFC 7523), or a value shaped like a JWT.
func credentialParam(kv collection.KV) bool {
	if kv.Value == "" || strings.Contains(kv.Value, "{{") {
		return false
	}
	return config.LooksSecret(kv.Key) || strings.Contains(strings.ToLower(kv.Key), "assertion") || strings.HasPrefix(kv.Value, "eyJ")
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

// isOurs recognises the oauth2 block pmprep writes.
func isOurs(params []collection.KV) bool {
	name, _ := collection.Param(params, "tokenName")
	return name == "pmprep"
}

// soleVariable returns name when v is exactly "{{name}}".
func soleVariable(v string) (string, bool) {
	if m := varRef.FindStringSubmatchIndex(v); m != nil && m[0] == 0 && m[1] == len(v) {
		return v[m[2]:m[3]], true
	}
	return "", false
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
