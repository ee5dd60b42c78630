package script

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// wireFormat versions the settings object embedded in the script. Format 1
// (one token, folder rules with uses_token) is still read by ParseBlock.
const wireFormat = 2

// wire is the Script as the generated script reads it, and its canonical
// encoding: json.Marshal of this struct is deterministic (fixed field
// order, durations in milliseconds, lists always arrays), and it is what
// Hash digests and what ParseBlock reads back.
type wire struct {
	Format   int              `json:"format"`
	Tokens   []wireToken      `json:"tokens"`
	Inherit  []int            `json:"inherit"`
	Folders  []wireRule       `json:"folders"`
	Retry401 bool             `json:"retry_401"`
	Scan     bool             `json:"scan,omitempty"`
	Requests map[string][]int `json:"requests,omitempty"`
	// Collection format v3 (see Script.Header); left out for v2.1, so
	// those blocks keep their bytes and hash.
	Header  bool                      `json:"header,omitempty"`
	Managed map[string]map[string]int `json:"managed,omitempty"`
}

type wireToken struct {
	Name                string      `json:"name"`
	Grant               string      `json:"grant"`
	ClientAuth          string      `json:"client_auth"`
	TokenURL            string      `json:"token_url"`
	Scope               string      `json:"scope"`
	Audience            string      `json:"audience"`
	Params              []wireParam `json:"params"`
	SkewMS              int64       `json:"skew_ms"`
	DefaultLifetimeMS   int64       `json:"default_lifetime_ms"`
	PersistRefreshToken bool        `json:"persist_refresh_token"`
	Vars                wireVars    `json:"vars"`
	// Written only when the client authentication method uses them, so that
	// blocks of earlier settings keep their bytes and hash.
	AssertionAlg      string `json:"assertion_alg,omitempty"`
	AssertionAudience string `json:"assertion_audience,omitempty"`
	Issuer            string `json:"issuer,omitempty"`
}

type wireRule struct {
	Path   []string `json:"path"`
	Tokens []int    `json:"tokens"`
}

type wireParam struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type wireVars struct {
	TokenURL     string `json:"token_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
	Audience     string `json:"audience"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token"`
	// Only where the method reads them (see Settings.toWire).
	ClientPrivateKey string `json:"client_private_key,omitempty"`
	ClientKeyID      string `json:"client_key_id,omitempty"`
	ClientAssertion  string `json:"client_assertion,omitempty"`
}

// ints is a copy of v that is never nil (an array in JSON).
func ints(v []int) []int { return append(make([]int, 0, len(v)), v...) }

// orNil turns an empty slice into nil, so decoded Scripts compare equal to
// the ones they were rendered from.
func orNil[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return v
}

func toWire(s Script) wire {
	tokens := make([]wireToken, 0, len(s.Tokens))
	for _, t := range s.Tokens {
		tokens = append(tokens, t.toWire())
	}
	folders := make([]wireRule, 0, len(s.Folders))
	for _, f := range s.Folders {
		folders = append(folders, wireRule{Path: append(make([]string, 0, len(f.Path)), f.Path...), Tokens: ints(f.Tokens)})
	}
	return wire{Format: wireFormat, Tokens: tokens, Inherit: ints(s.Inherit), Folders: folders, Retry401: s.Retry401, Scan: s.Scan, Requests: requestRules(s.Requests),
		Header: s.Header, Managed: managedRules(s.Managed)}
}

func (s Settings) toWire() wireToken {
	params := make([]wireParam, 0, len(s.Params))
	for _, p := range s.Params {
		params = append(params, wireParam(p))
	}
	w := wireToken{
		Name:                s.Name,
		Grant:               s.Grant,
		ClientAuth:          s.ClientAuth,
		TokenURL:            s.TokenURL,
		Scope:               s.Scope,
		Audience:            s.Audience,
		Params:              params,
		SkewMS:              s.Skew.Milliseconds(),
		DefaultLifetimeMS:   s.DefaultLifetime.Milliseconds(),
		PersistRefreshToken: s.PersistRefreshToken,
		Issuer:              s.Issuer,
		Vars: wireVars{
			TokenURL: s.Vars.TokenURL, ClientID: s.Vars.ClientID, ClientSecret: s.Vars.ClientSecret, Scope: s.Vars.Scope,
			Audience: s.Vars.Audience, Username: s.Vars.Username, Password: s.Vars.Password,
			RefreshToken: s.Vars.RefreshToken, AccessToken: s.Vars.AccessToken,
		},
	}
	// Settings a method does not use are left out of the script.
	if SignsAssertion(s.ClientAuth) {
		w.AssertionAudience = s.AssertionAudience
	}
	if s.ClientAuth == ClientAuthPrivateKeyJWT {
		w.AssertionAlg = s.AssertionAlg
		w.Vars.ClientPrivateKey, w.Vars.ClientKeyID = s.Vars.ClientPrivateKey, s.Vars.ClientKeyID
	}
	if s.ClientAuth == ClientAuthAssertion {
		w.Vars.ClientAssertion = s.Vars.ClientAssertion
	}
	return w
}

func (w wireToken) settings() Settings {
	var params []Param
	for _, p := range w.Params {
		params = append(params, Param(p))
	}
	return Settings{
		Name:                w.Name,
		Grant:               w.Grant,
		ClientAuth:          w.ClientAuth,
		TokenURL:            w.TokenURL,
		Scope:               w.Scope,
		Audience:            w.Audience,
		Params:              params,
		Skew:                time.Duration(w.SkewMS) * time.Millisecond,
		DefaultLifetime:     time.Duration(w.DefaultLifetimeMS) * time.Millisecond,
		PersistRefreshToken: w.PersistRefreshToken,
		AssertionAlg:        w.AssertionAlg,
		AssertionAudience:   w.AssertionAudience,
		Issuer:              w.Issuer,
		Vars:                w.Vars.names(),
	}
}

// names is v with the defaults for the variables a block leaves out.
func (v wireVars) names() VarNames {
	d := DefaultVarNames()
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	return VarNames{
		TokenURL: v.TokenURL, ClientID: v.ClientID, ClientSecret: v.ClientSecret, Scope: v.Scope,
		Audience: v.Audience, Username: v.Username, Password: v.Password, RefreshToken: v.RefreshToken,
		AccessToken:      v.AccessToken,
		ClientPrivateKey: or(v.ClientPrivateKey, d.ClientPrivateKey),
		ClientKeyID:      or(v.ClientKeyID, d.ClientKeyID),
		ClientAssertion:  or(v.ClientAssertion, d.ClientAssertion),
		Issuer:           d.Issuer,
	}
}

func (w wire) script() Script {
	var s Script
	for _, t := range w.Tokens {
		s.Tokens = append(s.Tokens, t.settings())
	}
	s.Inherit = orNil(w.Inherit)
	for _, f := range w.Folders {
		s.Folders = append(s.Folders, FolderRule{Path: orNil(f.Path), Tokens: orNil(f.Tokens)})
	}
	s.Retry401 = w.Retry401
	s.Scan = w.Scan
	for id, t := range w.Requests {
		if s.Requests == nil {
			s.Requests = map[string][]int{}
		}
		s.Requests[id] = orNil(t)
	}
	s.Header = w.Header
	s.Managed = managedRules(w.Managed)
	return s
}

// managedRules copies Script.Managed (nil when empty; encoding/json
// writes map keys sorted: deterministic).
func managedRules(m map[string]map[string]int) map[string]map[string]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]map[string]int, len(m))
	for folder, requests := range m {
		out[folder] = make(map[string]int, len(requests))
		for name, d := range requests {
			out[folder][name] = d
		}
	}
	return out
}

// requestRules is Script.Requests on the wire: nil when empty, each list an
// array (encoding/json writes map keys sorted: deterministic).
func requestRules(m map[string][]int) map[string][]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string][]int, len(m))
	for id, t := range m {
		out[id] = ints(t)
	}
	return out
}

// wire1 is format 1: one token, written by pmprep before token domains.
type wire1 struct {
	Format              int         `json:"format"`
	Grant               string      `json:"grant"`
	ClientAuth          string      `json:"client_auth"`
	TokenURL            string      `json:"token_url"`
	Scope               string      `json:"scope"`
	Audience            string      `json:"audience"`
	Params              []wireParam `json:"params"`
	SkewMS              int64       `json:"skew_ms"`
	DefaultLifetimeMS   int64       `json:"default_lifetime_ms"`
	Retry401            bool        `json:"retry_401"`
	PersistRefreshToken bool        `json:"persist_refresh_token"`
	Vars                wireVars    `json:"vars"`
	Folders             []struct {
		Path      []string `json:"path"`
		UsesToken bool     `json:"uses_token"`
	} `json:"folders"`
}

func (w wire1) script() Script {
	t := wireToken{
		Grant: w.Grant, ClientAuth: w.ClientAuth, TokenURL: w.TokenURL, Scope: w.Scope, Audience: w.Audience,
		Params: w.Params, SkewMS: w.SkewMS, DefaultLifetimeMS: w.DefaultLifetimeMS,
		PersistRefreshToken: w.PersistRefreshToken, Vars: w.Vars,
	}
	s := Script{Tokens: []Settings{t.settings()}, Inherit: []int{0}, Retry401: w.Retry401}
	for _, f := range w.Folders {
		r := FolderRule{Path: orNil(f.Path)}
		if f.UsesToken {
			r.Tokens = []int{0}
		}
		s.Folders = append(s.Folders, r)
	}
	return s
}

// canonical is the one encoding of a valid Script: a single line of JSON
// that is also a safe JavaScript expression (json.Marshal escapes <, >, &,
// U+2028 and U+2029, and valid UTF-8 is required by Validate).
func canonical(s Script) ([]byte, error) {
	return json.Marshal(toWire(s))
}

// hashOf is the first 12 hex digits of the SHA-256 of the canonical encoding.
func hashOf(canon []byte) string {
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])[:12]
}

// decodeWire reads a canonical encoding back (format 2, or format 1 from an
// earlier pmprep), refusing unknown fields and formats so that a block from
// a newer pmprep is not half understood.
func decodeWire(b []byte) (Script, bool) {
	var head struct {
		Format int `json:"format"`
	}
	if json.Unmarshal(b, &head) != nil {
		return Script{}, false
	}
	strict := func(v any) bool {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		return dec.Decode(v) == nil && !dec.More()
	}
	switch head.Format {
	case 1:
		var w wire1
		if !strict(&w) {
			return Script{}, false
		}
		return w.script(), true
	case wireFormat:
		var w wire
		if !strict(&w) {
			return Script{}, false
		}
		return w.script(), true
	}
	return Script{}, false
}
