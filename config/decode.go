package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/pmprep/pmprep/internal/secretlike"
	"github.com/pmprep/pmprep/script"
)

// decoder walks the node tree. It records every problem and goes on, so
// Parse can report the one that comes first in the file.
type decoder struct {
	file  string
	errs  []*Error
	plain []plainValue // plain values to check for secrets once renames and strip.allow are known
	// work counts mapping entries visited: aliases and "<<: [*a, *a]" can
	// make a small file expand exponentially.
	work int
}

const maxWork = 1 << 17

// plainValue is a literal value under a key that may turn out to be secret.
type plainValue struct {
	path string // e.g. environments.staging.client_secret
	key  string
	env  string // environment name; "" for auth.params
	node *yaml.Node
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

var (
	topKeys      = []string{"collection", "auth", "tokens", "variables", "environments", "strip"}
	authKeys     = []string{"grant", "token_url", "client_auth", "scope", "audience", "params", "skew", "default_lifetime", "retry_401", "persist_refresh_token", "type", "issuer", "assertion_alg", "assertion_audience"}
	variableKeys = []string{"token_url", "client_id", "client_secret", "scope", "audience", "username", "password", "refresh_token", "client_private_key", "client_key_id", "client_assertion", "issuer", "access_token"}
	// tokenKeys are the keys of a tokens: entry: every auth key but
	// retry_401, which applies to the whole collection.
	tokenKeys = []string{"variable", "variables", "grant", "token_url", "client_auth", "scope", "audience", "params", "skew", "default_lifetime", "persist_refresh_token", "type", "issuer", "assertion_alg", "assertion_audience"}
	// tokenVariableKeys are the keys of tokens.NAME.variables: the access
	// token's variable is tokens.NAME.variable.
	tokenVariableKeys = variableKeys[:len(variableKeys)-1]
	secretKeys        = []string{"secret", "from"}
	stripKeys         = []string{"allow"}
)

func (d *decoder) config(c *Config, root *yaml.Node) {
	n := resolve(root)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping of settings at the top level, found %s (start with keys such as collection:, auth:, environments:)", describe(n))
		return
	}
	for _, e := range d.entries(n, "at the top level", nil) {
		switch e.name {
		case "collection":
			if s := d.str(e.val, "collection"); s.Set {
				if s.Value == "" {
					d.errorf(e.val, "collection must not be empty (name the collection file, or leave the key out)")
				} else {
					c.Collection = s
				}
			}
		case "auth":
			d.auth(&c.Auth, e.val)
		case "tokens":
			c.Tokens = d.tokens(e.key, e.val)
		case "variables":
			d.variables(&c.Variables, e.val, "")
		case "environments":
			c.Environments = d.environments(e.val)
		case "strip":
			d.strip(&c.Strip, e.val)
		default:
			d.unknown(e, "at the top level", topKeys, "")
		}
	}
	d.checkNames(c)
	d.checkTokens(c)
	d.checkSecrets(c)
}

func (d *decoder) auth(a *Auth, v *yaml.Node) {
	for _, e := range d.mapping(v, "auth") {
		switch {
		case e.name == "retry_401":
			a.Retry401 = d.boolean(e.val, "auth.retry_401")
		case d.authKey(a, e, "auth"):
		default:
			hint := ""
			if contains(variableKeys, e.name) {
				hint = fmt.Sprintf("%s is a variable the script reads: set it in each environment, e.g. environments.staging.%s", e.name, e.name)
				if roleIsSecret(e.name) {
					hint += fmt.Sprintf(": {secret: true, from: STAGING_%s}", strings.ToUpper(e.name))
				}
			}
			d.unknown(e, "in auth", authKeys, hint)
		}
	}
}

// authKey decodes e into a when it is one of the auth keys a token may set
// too (every one but retry_401); prefix is "auth" or "tokens.NAME". It
// reports whether e was such a key.
func (d *decoder) authKey(a *Auth, e entry, prefix string) bool {
	path := prefix + "." + e.name
	switch e.name {
	case "grant":
		a.Grant = d.enum(e.val, path, script.GrantClientCredentials, script.GrantRefreshToken, script.GrantPassword)
	case "token_url":
		a.TokenURL = d.url(e.val, path, "a URL or {{token_url}}")
	case "client_auth":
		// Postman's spelling of Basic is accepted as it is.
		if n := resolve(e.val); n.Kind == yaml.ScalarNode && script.ClientAuthName(n.Value) != n.Value {
			a.ClientAuth = Setting[string]{Value: script.ClientAuthName(n.Value), Set: true, Line: n.Line, Col: n.Column}
			break
		}
		a.ClientAuth = d.enum(e.val, path, script.ClientAuthMethods...)
	case "issuer":
		a.Issuer = d.url(e.val, path, "the issuer URL or {{issuer}}")
	case "assertion_alg":
		a.AssertionAlg = d.enum(e.val, path, script.AssertionAlgs...)
	case "assertion_audience":
		a.AssertionAudience = d.str(e.val, path)
	case "scope":
		a.Scope = d.str(e.val, path)
	case "audience":
		a.Audience = d.str(e.val, path)
	case "params":
		a.Params = d.params(e.val, path)
	case "skew":
		a.Skew = d.duration(e.val, path, false)
	case "default_lifetime":
		a.DefaultLifetime = d.duration(e.val, path, true)
	case "persist_refresh_token":
		a.PersistRefreshToken = d.boolean(e.val, path)
	case "type":
		a.Type = d.enum(e.val, path, TypeBearer, TypeOAuth2)
	default:
		return false
	}
	return true
}

// url decodes a URL setting that, when present, must not be empty; what
// says what to write instead.
func (d *decoder) url(v *yaml.Node, path, what string) Setting[string] {
	s := d.str(v, path)
	if s.Set && strings.TrimSpace(s.Value) == "" {
		d.errorf(v, "%s must not be empty (write %s, or leave the key out)", path, what)
		return Setting[string]{}
	}
	return s
}

// params decodes auth.params or tokens.NAME.params (where).
func (d *decoder) params(v *yaml.Node, where string) Setting[[]script.Param] {
	n := resolve(v)
	if !isNull(n) && n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping for %s, found %s (write params: {resource: \"https://api.example.com\"})", where, describe(n))
		return Setting[[]script.Param]{}
	}
	s := Setting[[]script.Param]{Set: true, Line: n.Line, Col: n.Column}
	for _, e := range d.mapping(n, where) {
		path := where + "." + e.name
		if e.name == "" {
			d.errorf(e.key, "empty parameter name in %s (name the form parameter)", where)
			continue
		}
		val := d.str(e.val, path)
		if !val.Set {
			continue
		}
		s.Value = append(s.Value, script.Param{Key: e.name, Value: val.Value})
		d.plain = append(d.plain, plainValue{path: path, key: e.name, node: resolve(e.val)})
	}
	return s
}

// variables decodes the top-level variables section (token "") or
// tokens.TOKEN.variables, which has no access_token.
func (d *decoder) variables(vs *Variables, v *yaml.Node, token string) {
	fields := map[string]*Setting[string]{
		"token_url": &vs.TokenURL, "client_id": &vs.ClientID, "client_secret": &vs.ClientSecret,
		"scope": &vs.Scope, "audience": &vs.Audience, "username": &vs.Username,
		"password": &vs.Password, "refresh_token": &vs.RefreshToken, "access_token": &vs.AccessToken,
		"client_private_key": &vs.ClientPrivateKey, "client_key_id": &vs.ClientKeyID,
		"client_assertion": &vs.ClientAssertion, "issuer": &vs.Issuer,
	}
	where, known := "variables", variableKeys
	if token != "" {
		where, known = "tokens."+token+".variables", tokenVariableKeys
		delete(fields, "access_token")
	}
	for _, e := range d.mapping(v, where) {
		f, ok := fields[e.name]
		if !ok {
			hint := ""
			if token != "" && e.name == "access_token" {
				hint = fmt.Sprintf("the variable the token is published in is tokens.%s.variable: write variable: %s beside variables:", token, exampleVar(token))
			}
			d.unknown(e, "in "+where, known, hint)
			continue
		}
		if s := d.varName(e.val, where+"."+e.name, e.name); s.Set {
			*f = s
		}
	}
}

// varName decodes the name of a Postman variable; example is a good name
// to suggest.
func (d *decoder) varName(v *yaml.Node, path, example string) Setting[string] {
	s := d.str(v, path)
	if !s.Set {
		return s
	}
	switch {
	case s.Value == "":
		d.errorf(v, "%s must not be empty (write a Postman variable name, e.g. %s)", path, example)
	case strings.Contains(s.Value, "{{") || strings.Contains(s.Value, "}}"):
		d.errorf(v, "%s is a variable name, not a reference (write the name without {{ }})", path)
	case strings.TrimSpace(s.Value) != s.Value:
		d.errorf(v, "%s has leading or trailing spaces (remove them)", path)
	default:
		return s
	}
	return Setting[string]{}
}

// nameRole is one variable name a script reads or publishes, for
// checkRoles.
type nameRole struct {
	path string          // where it is set, for messages: variables.client_id, tokens.user.variable
	what string          // what it names, for messages: client_id
	s    Setting[string] // set in the scope being checked
	name string          // the name in effect (s.Value when set)
	from string          // unset: the key to set to rename it
}

// reservedNames are the variables the generated script keeps for itself.
var reservedNames = map[string]string{
	script.CacheVar: "pmprep's token cache",
	script.RetryVar: "pmprep's 401 retry guard",
}

// checkRoles refuses a name set in this scope that is reserved or that
// another role already uses; it reports at the later of two set values, or
// at the one set. It reports whether it found a problem with roles[i] for
// each i.
func (d *decoder) checkRoles(roles []nameRole) []bool {
	bad := make([]bool, len(roles))
	for i, r := range roles {
		if !r.s.Set {
			continue
		}
		if what, ok := reservedNames[r.s.Value]; ok {
			d.errs = append(d.errs, &Error{File: d.file, Line: r.s.Line, Col: r.s.Col,
				Msg: fmt.Sprintf("%s: %q is reserved for %s (choose another name)", r.path, r.s.Value, what)})
			bad[i] = true
			continue
		}
		for j, o := range roles {
			if i == j || o.name != r.s.Value {
				continue
			}
			if o.s.Set && (o.s.Line > r.s.Line || o.s.Line == r.s.Line && o.s.Col >= r.s.Col) {
				continue
			}
			hint := "choose another name"
			if !o.s.Set {
				hint = fmt.Sprintf("choose another name, or rename %s too", o.from)
			}
			d.errs = append(d.errs, &Error{File: d.file, Line: r.s.Line, Col: r.s.Col,
				Msg: fmt.Sprintf("%s: %q is already the name of %s (%s)", r.path, r.s.Value, o.what, hint)})
			bad[i] = true
			break
		}
	}
	return bad
}

// roleList pairs the variables section's settings with role keys, in the
// order of variableKeys.
func roleList(v Variables) []Setting[string] {
	return []Setting[string]{v.TokenURL, v.ClientID, v.ClientSecret, v.Scope, v.Audience, v.Username, v.Password, v.RefreshToken,
		v.ClientPrivateKey, v.ClientKeyID, v.ClientAssertion, v.Issuer, v.AccessToken}
}

// roleNames lists the names in effect for the roles of n, in the order of
// variableKeys.
func roleNames(n script.VarNames) []string {
	return []string{n.TokenURL, n.ClientID, n.ClientSecret, n.Scope, n.Audience, n.Username, n.Password, n.RefreshToken,
		n.ClientPrivateKey, n.ClientKeyID, n.ClientAssertion, n.Issuer, n.AccessToken}
}

// checkNames refuses two script variables with the same name, and
// pmprep's own names.
func (d *decoder) checkNames(c *Config) {
	names := roleNames(DefaultVarNames())
	var roles []nameRole
	for i, s := range roleList(c.Variables) {
		name := names[i]
		if s.Set {
			name = s.Value
		}
		key := variableKeys[i]
		roles = append(roles, nameRole{path: "variables." + key, what: key, s: s, name: name, from: "variables." + key})
	}
	d.checkRoles(roles)
}

var envVarRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (d *decoder) environments(v *yaml.Node) []Environment {
	n := resolve(v)
	if !isNull(n) && n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping of environment names to variables for environments, found %s (write environments: {staging: {base_url: ...}})", describe(n))
		return nil
	}
	var envs []Environment
	folded := map[string]entry{}
	for _, e := range d.mapping(n, "environments") {
		if !safeFileName(e.name) {
			d.errorf(e.key, "environment name %q is not a safe file name (use letters, digits, '-', '_' and '.', e.g. staging)", e.name)
			continue
		}
		if o, ok := folded[strings.ToLower(e.name)]; ok {
			d.errorf(e.key, "environments %q and %q (line %d) would write the same file on case-insensitive file systems (rename one)", e.name, o.name, o.key.Line)
			continue
		}
		folded[strings.ToLower(e.name)] = e
		env := Environment{Name: e.name, Line: e.key.Line, Col: e.key.Column}
		vars := resolve(e.val)
		if !isNull(vars) && vars.Kind != yaml.MappingNode {
			d.errorf(vars, "expected a mapping of variables for environments.%s, found %s (write %s: {base_url: https://...})", e.name, describe(vars), e.name)
			continue
		}
		for _, ve := range d.mapping(vars, "environments."+e.name) {
			if x, ok := d.envVar(e.name, ve); ok {
				env.Vars = append(env.Vars, x)
			}
		}
		envs = append(envs, env)
	}
	return envs
}

func (d *decoder) envVar(env string, e entry) (Var, bool) {
	path := "environments." + env + "." + e.name
	x := Var{Key: e.name, Line: e.key.Line, Col: e.key.Column}
	if e.name == "" {
		d.errorf(e.key, "empty variable name in environments.%s (name the variable)", env)
		return x, false
	}
	n := resolve(e.val)
	switch n.Kind {
	case yaml.ScalarNode:
		if !isNull(n) {
			x.Value = n.Value
		}
		d.plain = append(d.plain, plainValue{path: path, key: e.name, env: env, node: n})
		return x, true
	case yaml.MappingNode:
		x.Secret = true
		es := d.mapping(n, path)
		if len(es) == 0 {
			d.errorf(n, "empty mapping for %s (write a value, or {secret: true, from: %s})", path, envVarName(env, e.name))
			return x, false
		}
		ok := true
		for _, se := range es {
			switch se.name {
			case "secret":
				b := resolve(se.val)
				// The value is not echoed: someone may have typed the secret here.
				if b.Kind != yaml.ScalarNode || b.ShortTag() != "!!bool" {
					d.errorf(b, "%s: secret must be true (write {secret: true, from: %s})", path, envVarName(env, e.name))
					ok = false
				} else if strings.ToLower(b.Value) != "true" {
					d.errorf(b, "%s: secret: false is not allowed (for a plain variable write the value itself: %s: VALUE)", path, yamlKey(e.name))
					ok = false
				}
			case "from":
				f := resolve(se.val)
				if f.Kind != yaml.ScalarNode || isNull(f) || !envVarRe.MatchString(f.Value) {
					d.errorf(f, "%s: from must name an OS environment variable: letters, digits and _, not starting with a digit (e.g. from: %s)", path, envVarName(env, e.name))
					ok = false
				} else {
					x.From = f.Value
				}
			default:
				// The key is not echoed either: it may be the secret itself.
				hint := "known keys: secret, from"
				if s := suggest(se.name, secretKeys); s != "" {
					hint = fmt.Sprintf("did you mean %q? %s", s, hint)
				}
				d.errorf(se.key, "unknown key in %s (%s)", path, hint)
				ok = false
			}
		}
		return x, ok
	default:
		d.errorf(n, "expected a string or {secret: true, from: ENV_VAR} for %s, found %s", path, describe(n))
		return x, false
	}
}

func (d *decoder) strip(s *Strip, v *yaml.Node) {
	for _, e := range d.mapping(v, "strip") {
		if e.name != "allow" {
			d.unknown(e, "in strip", stripKeys, "")
			continue
		}
		n := resolve(e.val)
		if isNull(n) {
			continue
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, "expected a list for strip.allow, found %s (write allow: [\"item[0].request.auth\", demo_password])", describe(n))
			continue
		}
		for _, item := range n.Content {
			it := resolve(item)
			if it.Kind != yaml.ScalarNode || isNull(it) {
				d.errorf(it, "expected a string in strip.allow, found %s (a JSON path or a variable key)", describe(it))
				continue
			}
			if it.Value == "" {
				d.errorf(it, "empty entry in strip.allow (write a JSON path or a variable key, or remove it)")
				continue
			}
			s.Allow = append(s.Allow, it.Value)
		}
	}
}

// checkSecrets refuses plain values under keys that look secret, or that
// are the renamed client secret, password, refresh token or access token.
func (d *decoder) checkSecrets(c *Config) {
	type role struct{ role, where string }
	roles := map[string]role{}
	add := func(name, r, where string) {
		if _, ok := roles[name]; !ok {
			roles[name] = role{r, where}
		}
	}
	names := c.ScriptSettings(script.Settings{Vars: DefaultVarNames()}).Vars
	for _, r := range []struct{ name, role string }{
		{names.ClientSecret, "client_secret"}, {names.Password, "password"},
		{names.RefreshToken, "refresh_token"}, {names.AccessToken, "access_token"},
	} {
		add(r.name, r.role, "variables."+r.role)
	}
	for _, t := range c.Tokens {
		v := t.Variables
		add(t.Variable.Value, "access_token", "tokens."+t.Name+".variable")
		for _, r := range []struct {
			s    Setting[string]
			role string
		}{{v.ClientSecret, "client_secret"}, {v.Password, "password"}, {v.RefreshToken, "refresh_token"}} {
			if r.s.Set {
				add(r.s.Value, r.role, "tokens."+t.Name+".variables."+r.role)
			}
		}
	}
	file := filepath.Base(c.File)
	if c.File == "" || c.File == "-" {
		file = "the config file"
	}
	for _, p := range d.plain {
		if p.node.Value == "" || isNull(p.node) || p.node.ShortTag() == "!!bool" || refRe.MatchString(p.node.Value) {
			continue
		}
		r, isRole := roles[p.key]
		if !isRole && !LooksSecret(p.key) || contains(c.Strip.Allow, p.key) {
			continue
		}
		why := "looks secret"
		if isRole && r.role != p.key {
			why = fmt.Sprintf("holds the %s (%s)", strings.ReplaceAll(r.role, "_", " "), r.where)
		}
		var fix string
		if p.env == "" {
			fix = fmt.Sprintf("Write: %s: \"{{%s}}\" and set %s in each environment as {secret: true, from: ENV_VAR}", yamlKey(p.key), p.key, p.key)
		} else {
			fix = fmt.Sprintf("Write: %s: {secret: true, from: %s}", yamlKey(p.key), envVarName(p.env, p.key))
		}
		// Never echo the value.
		d.errorf(p.node, "%s %s; do not put its value in %s (it is meant for git). %s (or, if it is not a secret, list %q in strip.allow)", p.path, why, file, fix, p.key)
	}
}

// refRe matches a value that uses a {{variable}}: a reference is not a secret.
var refRe = regexp.MustCompile(`\{\{[^{}]+\}\}`)

// entry is one key of a mapping, merge keys expanded.
type entry struct {
	name     string
	key, val *yaml.Node
}

// mapping returns v's entries; null counts as empty, anything else that is
// not a mapping is an error.
func (d *decoder) mapping(v *yaml.Node, where string) []entry {
	n := resolve(v)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "expected a mapping for %s, found %s", where, describe(n))
		return nil
	}
	return d.entries(n, "in "+where, nil)
}

// entries lists a mapping's keys in order. Keys written in the mapping
// itself must be unique; keys merged in with "<<: *anchor" yield to them.
func (d *decoder) entries(n *yaml.Node, where string, visited map[*yaml.Node]bool) []entry {
	if visited == nil {
		visited = map[*yaml.Node]bool{}
	}
	visited[n] = true
	defer delete(visited, n)
	if d.work += len(n.Content) / 2; d.work > maxWork {
		if d.work-len(n.Content)/2 <= maxWork {
			d.errorf(n, "aliases and << merges expand this file beyond %d entries (write the settings out)", maxWork)
		}
		return nil
	}
	var out []entry
	seen := map[string]*yaml.Node{}
	explicit := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && !isMerge(k) {
			explicit[k.Value] = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMerge(k) {
			for _, m := range d.merged(v, visited) {
				if explicit[m.name] || seen[m.name] != nil {
					continue
				}
				seen[m.name] = m.key
				out = append(out, m)
			}
			continue
		}
		rk := resolve(k)
		if rk.Kind != yaml.ScalarNode {
			d.errorf(k, "expected a key name %s, found %s", where, describe(rk))
			continue
		}
		if first := seen[rk.Value]; first != nil {
			d.errorf(k, "duplicate key %q %s (first at line %d; keep one)", secretlike.ShowName(rk.Value), where, first.Line)
			continue
		}
		seen[rk.Value] = k
		out = append(out, entry{name: rk.Value, key: k, val: v})
	}
	return out
}

// merged returns the entries that "<<: v" brings in; visited guards against
// a mapping that merges itself.
func (d *decoder) merged(v *yaml.Node, visited map[*yaml.Node]bool) []entry {
	n := resolve(v)
	var sources []*yaml.Node
	switch n.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{n}
	case yaml.SequenceNode:
		for _, s := range n.Content {
			sources = append(sources, resolve(s))
		}
	}
	var out []entry
	for _, s := range sources {
		if s.Kind != yaml.MappingNode {
			d.errorf(s, "<< merges a mapping or a list of mappings, found %s (write <<: *anchor)", describe(s))
			continue
		}
		if visited[s] {
			d.errorf(s, "<< merges a mapping into itself (remove the merge)")
			continue
		}
		out = append(out, d.entries(s, "in the merged mapping", visited)...)
	}
	if len(sources) == 0 {
		d.errorf(n, "<< merges a mapping or a list of mappings, found %s (write <<: *anchor)", describe(n))
	}
	return out
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names a node's type for messages, without its value.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	}
	return "a string"
}

func (d *decoder) unknown(e entry, where string, known []string, hint string) {
	if hint == "" {
		hint = "known keys: " + strings.Join(known, ", ")
		if s := suggest(e.name, known); s != "" {
			hint = fmt.Sprintf("did you mean %q? %s", s, hint)
		}
	}
	d.errorf(e.key, "unknown key %q %s (%s)", secretlike.ShowName(e.name), where, hint)
}

// str reads a scalar as the text written; numbers and booleans are kept as
// spelled, null is "".
func (d *decoder) str(v *yaml.Node, path string) Setting[string] {
	n := resolve(v)
	if n.Kind != yaml.ScalarNode && !isNull(n) {
		d.errorf(n, "expected a string for %s, found %s", path, describe(n))
		return Setting[string]{}
	}
	s := Setting[string]{Set: true, Line: n.Line, Col: n.Column}
	if !isNull(n) {
		s.Value = n.Value
	}
	return s
}

// enumAliases are names other tools use for an allowed value.
var enumAliases = map[string]string{
	"password_credentials": script.GrantPassword,
	"header":               script.ClientAuthBasic,
	"client_credential":    script.GrantClientCredentials,
	"jwt":                  TypeBearer,
	"oauth":                TypeOAuth2,
}

func (d *decoder) enum(v *yaml.Node, path string, allowed ...string) Setting[string] {
	n := resolve(v)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "expected one of %s for %s, found %s", strings.Join(allowed, ", "), path, describe(n))
		return Setting[string]{}
	}
	if contains(allowed, n.Value) {
		return Setting[string]{Value: n.Value, Set: true, Line: n.Line, Col: n.Column}
	}
	s := suggest(n.Value, allowed)
	if a, ok := enumAliases[strings.ToLower(n.Value)]; ok && contains(allowed, a) {
		s = a
	}
	hint := "use one of: " + strings.Join(allowed, ", ")
	if s != "" {
		hint = fmt.Sprintf("did you mean %q? %s", s, hint)
	}
	d.errorf(n, "bad value %q for %s (%s)", secretlike.ShowName(n.Value), path, hint)
	return Setting[string]{}
}

func (d *decoder) duration(v *yaml.Node, path string, positive bool) Setting[time.Duration] {
	n := resolve(v)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "expected a duration for %s, found %s (write a Go duration such as 30s, 1500ms or 0)", path, describe(n))
		return Setting[time.Duration]{}
	}
	t, err := time.ParseDuration(n.Value)
	if err != nil {
		hint := "write a Go duration such as 30s, 1500ms or 0"
		if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
			hint = fmt.Sprintf("did you mean \"%ss\"? %s", n.Value, hint)
		}
		d.errorf(n, "bad duration %q for %s (%s)", n.Value, path, hint)
		return Setting[time.Duration]{}
	}
	switch {
	case t < 0:
		d.errorf(n, "%s must not be negative (write 0 or more, e.g. 30s)", path)
		return Setting[time.Duration]{}
	case positive && t == 0:
		d.errorf(n, "%s must be more than 0 (write e.g. 1h)", path)
		return Setting[time.Duration]{}
	}
	return Setting[time.Duration]{Value: t, Set: true, Line: n.Line, Col: n.Column}
}

func (d *decoder) boolean(v *yaml.Node, path string) Setting[bool] {
	n := resolve(v)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		found := describe(n)
		if n.Kind == yaml.ScalarNode && !isNull(n) {
			found = strconv.Quote(n.Value)
		}
		d.errorf(n, "expected true or false for %s, found %s", path, found)
		return Setting[bool]{}
	}
	return Setting[bool]{Value: strings.ToLower(n.Value) == "true", Set: true, Line: n.Line, Col: n.Column}
}

// safeFileName reports whether an environment name can be used as a file
// name on every common system without escaping its directory.
func safeFileName(s string) bool {
	if s == "" || s == "." || strings.Contains(s, "..") || strings.TrimSpace(s) != s || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || strings.ContainsRune(`/\<>:"|?*`, r) {
			return false
		}
	}
	return true
}

// envVarName suggests the OS environment variable for a secret:
// staging + client_secret -> STAGING_CLIENT_SECRET.
func envVarName(env, key string) string {
	var parts []string
	for _, w := range append(NameWords(env), NameWords(key)...) {
		parts = append(parts, strings.ToUpper(w))
	}
	s := strings.Join(parts, "_")
	s = strings.Map(func(r rune) rune {
		if r == '_' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s
}

var plainKeyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// yamlKey writes a key so it can be pasted into YAML.
func yamlKey(k string) string {
	if plainKeyRe.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
