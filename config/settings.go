package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pmprep/pmprep/script"
)

// DefaultVarNames are the Postman variable names the generated script uses
// unless the variables section renames them (script.DefaultVarNames).
func DefaultVarNames() script.VarNames { return script.DefaultVarNames() }

// ScriptSettings returns base with the settings the file set applied over
// it; a nil Config returns base. auth.retry_401 is not a per-token setting
// and is not applied: see Retry401. When the file renames the token_url, scope
// or audience variable but does not set auth.token_url, auth.scope or
// auth.audience, a base template that is just a reference to the old name
// ("{{token_url}}") follows the rename.
func (c *Config) ScriptSettings(base script.Settings) script.Settings {
	if c == nil {
		return base
	}
	return apply(base, c.Auth, c.Variables)
}

// apply returns base with the settings of a and v that are set applied.
func apply(base script.Settings, a Auth, v Variables) script.Settings {
	s := base
	setStr(&s.Grant, a.Grant)
	setStr(&s.ClientAuth, a.ClientAuth)
	setStr(&s.TokenURL, a.TokenURL)
	setStr(&s.Scope, a.Scope)
	setStr(&s.Audience, a.Audience)
	setStr(&s.Issuer, a.Issuer)
	setStr(&s.AssertionAlg, a.AssertionAlg)
	setStr(&s.AssertionAudience, a.AssertionAudience)
	if a.Params.Set {
		s.Params = append([]script.Param(nil), a.Params.Value...)
	}
	if a.Skew.Set {
		s.Skew = a.Skew.Value
	}
	if a.DefaultLifetime.Set {
		s.DefaultLifetime = a.DefaultLifetime.Value
	}
	if a.PersistRefreshToken.Set {
		s.PersistRefreshToken = a.PersistRefreshToken.Value
	}

	setStr(&s.Vars.TokenURL, v.TokenURL)
	setStr(&s.Vars.ClientID, v.ClientID)
	setStr(&s.Vars.ClientSecret, v.ClientSecret)
	setStr(&s.Vars.Scope, v.Scope)
	setStr(&s.Vars.Audience, v.Audience)
	setStr(&s.Vars.Username, v.Username)
	setStr(&s.Vars.Password, v.Password)
	setStr(&s.Vars.RefreshToken, v.RefreshToken)
	setStr(&s.Vars.AccessToken, v.AccessToken)
	setStr(&s.Vars.ClientPrivateKey, v.ClientPrivateKey)
	setStr(&s.Vars.ClientKeyID, v.ClientKeyID)
	setStr(&s.Vars.ClientAssertion, v.ClientAssertion)
	setStr(&s.Vars.Issuer, v.Issuer)

	follow := func(tmpl *string, set bool, old, new string) {
		if !set && old != "" && *tmpl == "{{"+old+"}}" {
			*tmpl = "{{" + new + "}}"
		}
	}
	follow(&s.TokenURL, a.TokenURL.Set, base.Vars.TokenURL, s.Vars.TokenURL)
	follow(&s.Scope, a.Scope.Set, base.Vars.Scope, s.Vars.Scope)
	follow(&s.Audience, a.Audience.Set, base.Vars.Audience, s.Vars.Audience)
	follow(&s.Issuer, a.Issuer.Set, base.Vars.Issuer, s.Vars.Issuer)
	// An issuer gives the token URL by discovery unless one is set beside it.
	if a.Issuer.Set && !a.TokenURL.Set {
		s.TokenURL = ""
	}
	return s
}

// TokenSettings returns one script.Settings per token of the tokens
// section, in file order, or nil when there is none. Each is base with
// auth: and the top-level variables: applied (ScriptSettings), then the
// token's own settings and variable names, with Vars.AccessToken = the
// token's variable and Name = its name. Renames follow into templates as in
// ScriptSettings: a token that renames token_url but sets no token_url gets
// {{its name}} when the inherited template was {{the inherited name}}.
func (c *Config) TokenSettings(base script.Settings) []script.Settings {
	if c == nil || len(c.Tokens) == 0 {
		return nil
	}
	top := c.ScriptSettings(base)
	out := make([]script.Settings, 0, len(c.Tokens))
	for _, t := range c.Tokens {
		s := apply(top, t.Auth, t.Variables)
		s.Params = slices.Clone(s.Params) // one slice per token
		s.Vars.AccessToken = t.Variable.Value
		s.Name = t.Name
		out = append(out, s)
	}
	return out
}

// AllInputs lists the variables the scripts built from the file read:
// without tokens:, Inputs(c.ScriptSettings(base)); with it, the Inputs of
// every TokenSettings in file order, each name once (secret when any token
// reads it as a secret), and no token's own variable.
func (c *Config) AllInputs(base script.Settings) []Input {
	all := c.TokenSettings(base)
	if len(all) == 0 {
		return Inputs(c.ScriptSettings(base))
	}
	published := map[string]bool{}
	for _, s := range all {
		published[s.Vars.AccessToken] = true
	}
	var out []Input
	at := map[string]int{}
	for _, s := range all {
		for _, in := range Inputs(s) {
			if published[in.Name] {
				continue
			}
			if i, ok := at[in.Name]; ok {
				out[i].Secret = out[i].Secret || in.Secret
				out[i].PrivateKey = out[i].PrivateKey || in.PrivateKey
				out[i].KeyAlgs = append(out[i].KeyAlgs, in.KeyAlgs...)
				continue
			}
			at[in.Name] = len(out)
			out = append(out, in)
		}
	}
	return out
}

// TokenURLSet reports whether the file sets a token URL for the token
// named token ("" or no token: auth.token_url alone).
func (c *Config) TokenURLSet(token ...string) bool {
	if c == nil {
		return false
	}
	if c.Auth.TokenURL.Set {
		return true
	}
	for _, t := range c.Tokens {
		if len(token) > 0 && t.Name == token[0] && t.Auth.TokenURL.Set {
			return true
		}
	}
	return false
}

// LeaveTokenURLToDiscovery clears s.TokenURL when s has an issuer and no
// token URL was given explicitly, by a flag (flagSet) or by the file for
// s's token: then discovery gives it (SPEC: only --token-url and
// auth.token_url override discovery).
func (c *Config) LeaveTokenURLToDiscovery(s *script.Settings, flagSet bool) {
	if s.Issuer != "" && !flagSet && !c.TokenURLSet(s.Name) {
		s.TokenURL = ""
	}
}

// Retry401 reports auth.retry_401 and whether the file set it. It applies
// to the whole collection, whatever tokens: says.
func (c *Config) Retry401() (value, set bool) {
	if c == nil {
		return false, false
	}
	return c.Auth.Retry401.Value, c.Auth.Retry401.Set
}

func setStr(dst *string, s Setting[string]) {
	if s.Set {
		*dst = s.Value
	}
}

// Input is a variable the generated script reads at run time.
type Input struct {
	Name   string
	Secret bool // declare it typed secret and empty
	// PrivateKey: the PEM private key of private_key_jwt, which a literal
	// value must pass clientkey.Check.
	PrivateKey bool
	// KeyAlgs are the signing algorithms configured for the tokens that
	// sign with this key (assertion_alg), which the key must fit; none
	// when every such token takes the key's default.
	KeyAlgs []string
}

// postmanRef matches a {{variable}} reference; {{$guid}} and other dynamic
// variables are Postman's own.
var postmanRef = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// Inputs lists the variables the script built from s reads, in a stable
// order: those referenced by the token URL, the client id and secret, those
// referenced by scope, audience and params, then username and password
// (password grant) or refresh_token (refresh_token grant). The client
// secret, password and refresh token, and referenced variables whose names
// look secret, are secret.
func Inputs(s script.Settings) []Input {
	var out []Input
	seen := map[string]bool{}
	add := func(name string, secret bool) {
		if name == "" || seen[name] || name == s.Vars.AccessToken {
			return
		}
		seen[name] = true
		out = append(out, Input{Name: name, Secret: secret})
	}
	roleSecret := map[string]bool{s.Vars.ClientSecret: true, s.Vars.Password: true, s.Vars.RefreshToken: true}
	if s.ClientAuth == script.ClientAuthPrivateKeyJWT {
		roleSecret[s.Vars.ClientPrivateKey] = true
	}
	if s.ClientAuth == script.ClientAuthAssertion {
		roleSecret[s.Vars.ClientAssertion] = true
	}
	refs := func(tmpl string) {
		for _, m := range postmanRef.FindAllStringSubmatch(tmpl, -1) {
			if !strings.HasPrefix(m[1], "$") {
				add(m[1], roleSecret[m[1]] || LooksSecret(m[1]))
			}
		}
	}
	refs(s.TokenURL)
	refs(s.Issuer)
	add(s.Vars.ClientID, false)
	switch {
	case script.UsesSecret(s.ClientAuth):
		add(s.Vars.ClientSecret, true)
	case s.ClientAuth == script.ClientAuthPrivateKeyJWT:
		add(s.Vars.ClientPrivateKey, true)
		if n := len(out) - 1; n >= 0 && out[n].Name == s.Vars.ClientPrivateKey {
			out[n].PrivateKey = true
			if s.AssertionAlg != "" {
				out[n].KeyAlgs = []string{s.AssertionAlg}
			}
		}
		add(s.Vars.ClientKeyID, false)
	case s.ClientAuth == script.ClientAuthAssertion:
		add(s.Vars.ClientAssertion, true)
	}
	if script.SignsAssertion(s.ClientAuth) {
		refs(s.AssertionAudience)
	}
	refs(s.Scope)
	refs(s.Audience)
	for _, p := range s.Params {
		refs(p.Key)
		refs(p.Value)
	}
	switch s.Grant {
	case script.GrantPassword:
		add(s.Vars.Username, false)
		add(s.Vars.Password, true)
	case script.GrantRefreshToken:
		add(s.Vars.RefreshToken, true)
	}
	return out
}

// Missing lists the script inputs (see Inputs) that the environment does
// not set, for pmprep envs to declare empty.
func (e *Environment) Missing(s script.Settings) []Input {
	return e.MissingInputs(Inputs(s))
}

// MissingInputs lists the inputs (e.g. Config.AllInputs) that the
// environment does not set, in their order.
func (e *Environment) MissingInputs(inputs []Input) []Input {
	var out []Input
	for _, in := range inputs {
		if !e.Has(in.Name) {
			out = append(out, in)
		}
	}
	return out
}

// Has reports whether the environment sets the variable key.
func (e *Environment) Has(key string) bool {
	for _, v := range e.Vars {
		if v.Key == key {
			return true
		}
	}
	return false
}
