package config

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pmprep/pmprep/script"
)

// tokenNameRe is what a token name may be: it ends up in messages, in the
// summary and in the script.
var tokenNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tokens decodes the tokens section; key is its key, for the message about
// an empty section.
func (d *decoder) tokens(key, v *yaml.Node) []Token {
	n := resolve(v)
	if !isNull(n) && n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping of token names to settings for tokens, found %s (write tokens: {user: {variable: UserAccessToken, grant: refresh_token}})", describe(n))
		return nil
	}
	es := d.mapping(n, "tokens")
	if len(es) == 0 {
		d.errorf(key, "tokens: is empty (add a token, e.g. tokens: {user: {variable: UserAccessToken}}, or remove tokens:)")
		return nil
	}
	var out []Token
	for _, e := range es {
		if !tokenNameRe.MatchString(e.name) {
			d.errorf(e.key, "token name %q is not a simple name (use letters, digits, '_' and '-', e.g. user)", e.name)
			continue
		}
		if t, ok := d.token(e); ok {
			out = append(out, t)
		}
	}
	return out
}

func (d *decoder) token(e entry) (Token, bool) {
	t := Token{Name: e.name, Line: e.key.Line, Col: e.key.Column}
	prefix := "tokens." + e.name
	body := resolve(e.val)
	if !isNull(body) && body.Kind != yaml.MappingNode {
		d.errorf(body, "expected a mapping of settings for %s, found %s (write %s: {variable: %s, grant: ...})", prefix, describe(body), yamlKey(e.name), exampleVar(e.name))
		return t, false
	}
	hasVariable, unknown := false, false
	for _, te := range d.mapping(body, prefix) {
		switch {
		case te.name == "variable":
			hasVariable = true
			t.Variable = d.varName(te.val, prefix+".variable", exampleVar(e.name))
		case te.name == "variables":
			d.variables(&t.Variables, te.val, e.name)
		case te.name == "retry_401":
			d.errorf(te.key, "%s.retry_401: retry_401 applies to the whole collection (set it under auth:, not in a token)", prefix)
		case d.authKey(&t.Auth, te, prefix):
		default:
			hint := ""
			switch {
			case te.name == "access_token":
				hint = fmt.Sprintf("the variable the token is published in is %s.variable: write variable: %s", prefix, exampleVar(e.name))
			case contains(variableKeys, te.name):
				hint = fmt.Sprintf("%s is a variable the script reads: name it under %s.variables (e.g. %s: %s_%s) and set it in each environment", te.name, prefix, te.name, e.name, te.name)
			}
			d.unknown(te, "in "+prefix, tokenKeys, hint)
			unknown = true
		}
	}
	if !hasVariable {
		// An unknown key may be the variable, misspelt: that message says so.
		if unknown {
			return t, false
		}
		d.errorf(e.key, "%s has no variable (write variable: NAME, the variable its requests send as {{NAME}}, e.g. variable: %s)", prefix, exampleVar(e.name))
		return t, false
	}
	return t, t.Variable.Set
}

// exampleVar suggests an access-token variable for a token name:
// user -> UserAccessToken.
func exampleVar(name string) string {
	var b strings.Builder
	for _, w := range NameWords(name) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String() + "AccessToken"
}

// checkTokens refuses what would make two token domains, or a domain and
// pmprep's own variables, share a variable.
func (d *decoder) checkTokens(c *Config) {
	if len(c.Tokens) == 0 {
		return
	}
	if at := c.Variables.AccessToken; at.Set {
		d.errs = append(d.errs, &Error{File: d.file, Line: at.Line, Col: at.Col,
			Msg: "variables.access_token does not apply with tokens: (each token names the variable its requests send: write tokens.<name>.variable instead)"})
	}
	all := c.TokenSettings(script.Defaults())
	inherited := roleNames(c.ScriptSettings(script.Defaults()).Vars)
	for i, t := range c.Tokens {
		prefix := "tokens." + t.Name
		var roles []nameRole
		for k, s := range roleList(t.Variables)[:len(tokenVariableKeys)] {
			key := variableKeys[k]
			name := inherited[k]
			if s.Set {
				name = s.Value
			}
			roles = append(roles, nameRole{path: prefix + ".variables." + key, what: key, s: s, name: name, from: prefix + ".variables." + key})
		}
		roles = append(roles, nameRole{path: prefix + ".variable", what: "the token's variable (" + prefix + ".variable)", s: t.Variable, name: t.Variable.Value})
		if d.checkRoles(roles)[len(roles)-1] {
			continue
		}
		if msg := otherUse(c.Tokens, all, i); msg != "" {
			d.errs = append(d.errs, &Error{File: d.file, Line: t.Variable.Line, Col: t.Variable.Col,
				Msg: fmt.Sprintf("%s.variable: %q %s", prefix, t.Variable.Value, msg)})
		}
	}
}

// otherUse says how another token than tokens[i] uses tokens[i]'s
// variable, or "" when none does.
func otherUse(tokens []Token, all []script.Settings, i int) string {
	v := tokens[i].Variable.Value
	for _, o := range tokens[:i] {
		if o.Variable.Value == v {
			return fmt.Sprintf("is already the variable of tokens.%s (line %d; choose another name)", o.Name, o.Variable.Line)
		}
	}
	for j, s := range all {
		if j == i {
			continue
		}
		for k, name := range roleNames(s.Vars)[:len(tokenVariableKeys)] {
			if name == v {
				return fmt.Sprintf("is already the name of tokens.%s's %s (choose another name)", tokens[j].Name, variableKeys[k])
			}
		}
		for _, in := range Inputs(s) {
			if in.Name == v {
				return fmt.Sprintf("is already read by tokens.%s, from a {{%s}} in its settings (choose another name)", tokens[j].Name, v)
			}
		}
	}
	return ""
}
