package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Validate reports every problem with s, one error per problem (joined with
// errors.Join), each naming the setting as pmprep.yaml spells it.
//
// Strings must be valid UTF-8: a JavaScript string literal cannot carry
// invalid bytes, and replacing them would silently change a value.
// Durations must be whole milliseconds, the unit of the script's clock.
func (s Settings) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	switch s.Grant {
	case GrantClientCredentials, GrantRefreshToken, GrantPassword:
	default:
		bad("grant %q is not one of %s, %s, %s", s.Grant, GrantClientCredentials, GrantRefreshToken, GrantPassword)
	}
	if !slices.Contains(ClientAuthMethods, s.ClientAuth) {
		bad("client_auth %q is not one of %s", s.ClientAuth, strings.Join(ClientAuthMethods, ", "))
	}
	if s.AssertionAlg != "" && !slices.Contains(AssertionAlgs, s.AssertionAlg) {
		bad("assertion_alg %q is not one of %s", s.AssertionAlg, strings.Join(AssertionAlgs, ", "))
	}
	if s.Issuer != "" && !strings.Contains(s.Issuer, "{{") && !strings.HasPrefix(s.Issuer, "https://") && !strings.HasPrefix(s.Issuer, "http://") {
		bad("issuer %q is not an http(s) URL or a {{variable}}", s.Issuer)
	}
	if s.TokenURL == "" && s.Issuer == "" {
		bad("token_url is empty (give a URL or a {{variable}}, e.g. {{token_url}}, or an issuer to discover it from)")
	}
	text := func(name, v string) {
		if !utf8.ValidString(v) {
			bad("%s is not valid UTF-8", name)
		}
	}
	text("name", s.Name)
	text("token_url", s.TokenURL)
	text("scope", s.Scope)
	text("audience", s.Audience)
	text("assertion_audience", s.AssertionAudience)
	text("issuer", s.Issuer)

	reserved := map[string]string{
		"grant_type":    "grant",
		"client_id":     "the client_id variable",
		"client_secret": "the client_secret variable",
		"refresh_token": "the refresh token variable",
	}
	if SendsAssertion(s.ClientAuth) {
		reserved["client_assertion"] = "client_auth " + s.ClientAuth
		reserved["client_assertion_type"] = "client_auth " + s.ClientAuth
	}
	if s.Grant == GrantPassword {
		reserved["username"] = "the username variable"
		reserved["password"] = "the password variable"
	}
	if s.Scope != "" {
		reserved["scope"] = "scope"
	}
	if s.Audience != "" {
		reserved["audience"] = "audience"
	}
	for i, p := range s.Params {
		name := fmt.Sprintf("params[%d]", i)
		text(name+".key", p.Key)
		text(name+".value", p.Value)
		if p.Key == "" {
			bad("%s has an empty key", name)
		}
		if by, ok := reserved[p.Key]; ok {
			bad("%s: parameter %q is set by pmprep (use %s instead)", name, p.Key, by)
		}
	}

	duration := func(name string, d time.Duration, min time.Duration) {
		switch {
		case d < min:
			if min == 0 {
				bad("%s %v is negative", name, d)
			} else {
				bad("%s %v must be positive", name, d)
			}
		case d%time.Millisecond != 0:
			bad("%s %v is not a whole number of milliseconds", name, d)
		}
	}
	duration("skew", s.Skew, 0)
	duration("default lifetime", s.DefaultLifetime, time.Millisecond)

	need := func(setting, name string, used bool) {
		if used && name == "" {
			bad("variables.%s: empty variable name (client_auth %s reads it)", setting, s.ClientAuth)
		}
	}
	need("client_private_key", s.Vars.ClientPrivateKey, s.ClientAuth == ClientAuthPrivateKeyJWT)
	need("client_key_id", s.Vars.ClientKeyID, s.ClientAuth == ClientAuthPrivateKeyJWT)
	need("client_assertion", s.Vars.ClientAssertion, s.ClientAuth == ClientAuthAssertion)
	seen := reservedVars()
	for _, v := range s.Vars.all() {
		name := "variables." + v.setting
		if err := checkVarName(v.name); err != nil {
			bad("%s: %v", name, err)
			continue
		}
		if other, ok := seen[v.name]; ok {
			bad("%s: %q is already the name of %s", name, v.name, other)
			continue
		}
		seen[v.name] = name
	}
	return errors.Join(errs...)
}

// reservedVars are the variables the generated scripts keep for themselves.
func reservedVars() map[string]string {
	return map[string]string{CacheVar: "pmprep's token cache", RetryVar: "pmprep's retry guard",
		UsedVar: "pmprep's record of the tokens a request used", PendingVar: "pmprep's planned retry"}
}

// Validate reports every problem with s: each token's (prefixed with
// tokens.NAME: when the token has a name) and the cross checks: at least one
// token, distinct access-token variables, no token publishing into another
// token's input variable, indices in range, folder names valid UTF-8.
func (s Script) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(s.Tokens) == 0 {
		bad("tokens: at least one token is needed")
	}
	label := func(i int) string {
		if n := s.Tokens[i].Name; n != "" {
			return "tokens." + n
		}
		return fmt.Sprintf("tokens[%d]", i)
	}
	published := map[string]int{}
	for i, t := range s.Tokens {
		if err := t.Validate(); err != nil {
			var list []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				list = j.Unwrap()
			} else {
				list = []error{err}
			}
			for _, e := range list {
				if t.Name != "" {
					e = fmt.Errorf("tokens.%s: %w", t.Name, e)
				}
				errs = append(errs, e)
			}
		}
		if j, ok := published[t.Vars.AccessToken]; ok {
			bad("%s: variables.access_token %q is already the access token variable of %s", label(i), t.Vars.AccessToken, label(j))
			continue
		}
		published[t.Vars.AccessToken] = i
	}
	for i, t := range s.Tokens {
		for j, o := range s.Tokens {
			if i == j {
				continue
			}
			for _, v := range o.Vars.all() {
				if v.setting != "access_token" && v.name == t.Vars.AccessToken {
					bad("%s: variables.access_token %q is the %s variable of %s", label(i), t.Vars.AccessToken, v.setting, label(j))
				}
			}
		}
	}
	index := func(where string, list []int) {
		for k, i := range list {
			if i < 0 || i >= len(s.Tokens) {
				bad("%s[%d]: token index %d is out of range (there are %d tokens)", where, k, i, len(s.Tokens))
			}
		}
	}
	index("inherit", s.Inherit)
	for id, t := range s.Requests {
		index(fmt.Sprintf("requests[%q]", id), t)
		if !utf8.ValidString(id) {
			bad("requests: an id is not valid UTF-8")
		}
	}
	for folder, requests := range s.Managed {
		var names []string
		if err := json.Unmarshal([]byte(folder), &names); err != nil || names == nil || LocationKey(names) != folder {
			bad("managed[%q]: not a folder location (LocationKey of its names)", folder)
		}
		for name, d := range requests {
			index(fmt.Sprintf("managed[%q][%q]", folder, name), []int{d})
			if !utf8.ValidString(name) {
				bad("managed: a request name is not valid UTF-8")
			}
		}
	}
	if len(s.Managed) > 0 && !s.Header {
		bad("managed requests are listed without header")
	}
	for i, f := range s.Folders {
		index(fmt.Sprintf("folders[%d].tokens", i), f.Tokens)
		for j, n := range f.Path {
			if !utf8.ValidString(n) {
				bad("folders[%d].path[%d] is not valid UTF-8", i, j)
			}
		}
	}
	return errors.Join(errs...)
}

// checkVarName accepts what can stand between {{ and }} in Postman and be
// resolved by pm.variables.replaceIn as a plain variable.
func checkVarName(n string) error {
	switch {
	case n == "":
		return errors.New("empty variable name")
	case !utf8.ValidString(n):
		return errors.New("variable name is not valid UTF-8")
	case strings.ContainsAny(n, "{}"):
		return fmt.Errorf("variable name %q contains { or }, which Postman cannot resolve", n)
	case strings.HasPrefix(n, "$"):
		return fmt.Errorf("variable name %q starts with $, which Postman reserves for dynamic variables", n)
	case strings.TrimSpace(n) != n:
		return fmt.Errorf("variable name %q has leading or trailing space", n)
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return fmt.Errorf("variable name %q contains a control character", n)
	}
	return nil
}

type namedVar struct{ setting, name string }

// list is the variable names with their pmprep.yaml keys, in a fixed order.
func (v VarNames) list() []namedVar {
	return []namedVar{
		{"token_url", v.TokenURL},
		{"client_id", v.ClientID},
		{"client_secret", v.ClientSecret},
		{"scope", v.Scope},
		{"audience", v.Audience},
		{"username", v.Username},
		{"password", v.Password},
		{"refresh_token", v.RefreshToken},
		{"access_token", v.AccessToken},
	}
}

// all is list plus the variables of round 2's client authentication and
// discovery that are named (Settings.Validate requires the ones in use).
func (v VarNames) all() []namedVar {
	out := v.list()
	for _, e := range []namedVar{{"client_private_key", v.ClientPrivateKey}, {"client_key_id", v.ClientKeyID},
		{"client_assertion", v.ClientAssertion}, {"issuer", v.Issuer}} {
		if e.name != "" {
			out = append(out, e)
		}
	}
	return out
}
