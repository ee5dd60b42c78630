package config

import (
	"regexp"
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
	s := base
	a := c.Auth
	setStr(&s.Grant, a.Grant)
	setStr(&s.ClientAuth, a.ClientAuth)
	setStr(&s.TokenURL, a.TokenURL)
	setStr(&s.Scope, a.Scope)
	setStr(&s.Audience, a.Audience)
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

	v := c.Variables
	setStr(&s.Vars.TokenURL, v.TokenURL)
	setStr(&s.Vars.ClientID, v.ClientID)
	setStr(&s.Vars.ClientSecret, v.ClientSecret)
	setStr(&s.Vars.Scope, v.Scope)
	setStr(&s.Vars.Audience, v.Audience)
	setStr(&s.Vars.Username, v.Username)
	setStr(&s.Vars.Password, v.Password)
	setStr(&s.Vars.RefreshToken, v.RefreshToken)
	setStr(&s.Vars.AccessToken, v.AccessToken)

	follow := func(tmpl *string, set bool, old, new string) {
		if !set && old != "" && *tmpl == "{{"+old+"}}" {
			*tmpl = "{{" + new + "}}"
		}
	}
	follow(&s.TokenURL, a.TokenURL.Set, base.Vars.TokenURL, s.Vars.TokenURL)
	follow(&s.Scope, a.Scope.Set, base.Vars.Scope, s.Vars.Scope)
	follow(&s.Audience, a.Audience.Set, base.Vars.Audience, s.Vars.Audience)
	return s
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
	refs := func(tmpl string) {
		for _, m := range postmanRef.FindAllStringSubmatch(tmpl, -1) {
			if !strings.HasPrefix(m[1], "$") {
				add(m[1], roleSecret[m[1]] || LooksSecret(m[1]))
			}
		}
	}
	refs(s.TokenURL)
	add(s.Vars.ClientID, false)
	add(s.Vars.ClientSecret, true)
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
	var out []Input
	for _, in := range Inputs(s) {
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
