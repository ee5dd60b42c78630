package script

import (
	"errors"
	"fmt"
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
	switch s.ClientAuth {
	case ClientAuthBasic, ClientAuthBody:
	default:
		bad("client_auth %q is not one of %s, %s", s.ClientAuth, ClientAuthBasic, ClientAuthBody)
	}
	if s.TokenURL == "" {
		bad("token_url is empty (give a URL or a {{variable}}, e.g. {{token_url}})")
	}
	text := func(name, v string) {
		if !utf8.ValidString(v) {
			bad("%s is not valid UTF-8", name)
		}
	}
	text("token_url", s.TokenURL)
	text("scope", s.Scope)
	text("audience", s.Audience)

	reserved := map[string]string{
		"grant_type":    "grant",
		"client_id":     "the client_id variable",
		"client_secret": "the client_secret variable",
		"refresh_token": "the refresh token variable",
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
	for i, f := range s.Folders {
		for j, n := range f.Path {
			text(fmt.Sprintf("folders[%d].path[%d]", i, j), n)
		}
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

	seen := map[string]string{CacheVar: "pmprep's token cache", RetryVar: "pmprep's retry guard"}
	for _, v := range s.Vars.list() {
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
