package inject

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// domains settles the token domains: the caller's tokens: list, or one
// domain from defaults < what the collection says (its oauth2 block, or an
// earlier pmprep block) < the caller's settings.
func (b *builder) domains() error {
	isBegin, isEnd := script.IsBegin, script.IsEnd
	if prev, ok := script.ParseBlock(collection.BlockLines(b.doc, "prerequest", isBegin, isEnd)); ok {
		b.prev = &prev
	}
	if len(b.opts.Tokens) > 0 {
		b.tokens = append([]script.Settings(nil), b.opts.Tokens...)
		b.urls = make([]map[string]bool, len(b.tokens))
		for d, t := range b.tokens {
			b.urls[d] = map[string]bool{t.TokenURL: true}
		}
		return b.validate()
	}
	if b.prev != nil && len(b.prev.Tokens) > 1 {
		// An earlier run managed several tokens (a config's tokens:) and
		// nothing now says otherwise: keep them.
		b.tokens = append([]script.Settings(nil), b.prev.Tokens...)
		b.urls = make([]map[string]bool, len(b.tokens))
		for d, t := range b.tokens {
			b.urls[d] = map[string]bool{t.TokenURL: true}
		}
		return b.validate()
	}

	s := script.Defaults()
	explicitURL := ""
	if b.opts.Override != nil && b.opts.Explicit["token_url"] {
		explicitURL = b.opts.Override(s).TokenURL
	}
	if b.prev != nil {
		// An earlier run's settings win, and its output is not read again
		// as zero-config: a re-run must change nothing.
		s = b.prev.Tokens[0]
	} else if b.zc = readZeroConfig(b.doc, b.nodes, b.rootAuth, explicitURL); b.zc != nil {
		b.zc.apply(&s)
	}
	if b.opts.Override != nil {
		s = b.opts.Override(s)
	}
	rep := &b.p0().Report
	b.urls0 = map[string]bool{s.TokenURL: true}
	if b.zc != nil && b.zc.TokenURL != "" {
		b.urls0[b.zc.TokenURL] = true
	}
	if b.prev == nil && !b.opts.Explicit["access_token"] {
		name, why := b.inferTokenVar(s)
		if name != "" {
			s.Vars.AccessToken = name
			rep.Notes = append(rep.Notes, "token variable {{"+name+"}}: "+why)
		}
	}
	b.tokens = []script.Settings{s}
	// The block zero-config read is ours whatever the final token URL: its
	// literal secrets were reported as moved out.
	b.urls = []map[string]bool{b.urls0}
	b.assumptions(s)
	return b.validate()
}

// p0 creates the plan early, so domains can note assumptions.
func (b *builder) p0() *Plan {
	if b.p == nil {
		b.p = &Plan{}
	}
	return b.p
}

func (b *builder) validate() error {
	sc := script.Script{Tokens: b.tokens}
	if err := sc.Validate(); err != nil {
		return &SettingsError{Err: err}
	}
	for _, t := range b.tokens {
		name := ""
		if t.Name != "" {
			name = " (token " + t.Name + ")"
		}
		rep := &b.p0().Report
		if t.ClientAuth == script.ClientAuthNone && t.Grant == script.GrantClientCredentials {
			// Allowed, as some servers do it, but RFC 6749 §4.4 reserves the grant for confidential clients.
			rep.Warnings = append(rep.Warnings, "client_auth none with the client_credentials grant"+name+
				": RFC 6749 §4.4 reserves this grant for confidential clients; most servers refuse a public client")
		}
		if t.AssertionAlg != "" && t.ClientAuth != script.ClientAuthPrivateKeyJWT {
			// A warning, not an error: the block keeps assertion_alg when a
			// later run switches client_auth away from private_key_jwt.
			rep.Warnings = append(rep.Warnings, "assertion_alg "+t.AssertionAlg+name+" has no effect with client_auth "+t.ClientAuth+
				" (only private_key_jwt signs with it; client_secret_jwt signs with HS256)")
		}
	}
	return nil
}

// SettingsError is a setting that cannot make a script (exit 2 in the CLI).
type SettingsError struct{ Err error }

func (e *SettingsError) Error() string { return e.Err.Error() }
func (e *SettingsError) Unwrap() error { return e.Err }

// inferTokenVar finds the variable the collection's requests send their
// token in, when nobody named it: the collection auth's, the zero-config
// block's, else the bearer variable most requests send.
func (b *builder) inferTokenVar(s script.Settings) (name, why string) {
	ref := func(auth gjson.Result) string {
		switch collection.AuthType(auth) {
		case "bearer":
			v, _ := collection.AuthParamValue(auth, "bearer", "token")
			n, _ := soleVariable(v)
			return n
		case "oauth2":
			v, _ := collection.AuthParamValue(auth, "oauth2", "accessToken")
			n, _ := soleVariable(v)
			return n
		}
		return ""
	}
	if n := ref(b.rootAuth); n != "" {
		return n, "the collection auth sends it"
	}
	if b.zc != nil && b.zc.tokenVar != "" {
		return b.zc.tokenVar, "the oauth2 block at " + b.zc.Path + " sends it"
	}
	if t := collection.AuthType(b.rootAuth); t == "bearer" || t == "oauth2" {
		// The collection auth is the token, with no variable of its own:
		// requests that send variables send others.
		return "", ""
	}
	// Count, per variable, the requests whose effective auth sends it: a
	// bearer of it, or an oauth2 block of it with no token URL or ours (the
	// own block, else the nearest folder's).
	count := map[string]int{}
	first := map[string]int{}
	refs := make([]string, len(b.nodes))
	for i := range b.nodes {
		n := &b.nodes[i]
		r := ""
		switch {
		case n.authType == "bearer", n.authType == "oauth2" && (n.facts.tokenURL == "" || b.urls0[n.facts.tokenURL]):
			// An oauth2 block without a token URL only sends its token.
			r, _ = soleVariable(n.facts.token)
		case n.authType != "":
		case n.parent >= 0:
			r = refs[n.parent]
		}
		refs[i] = r
		if !n.folder && r != "" {
			if _, ok := first[r]; !ok {
				first[r] = i
			}
			count[r]++
		}
	}
	if len(count) == 0 {
		return "", ""
	}
	var names []string
	for n := range count {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return first[names[i]] < first[names[j]]
	})
	name = names[0]
	why = fmt.Sprintf("%d requests send it", count[name])
	if len(names) > 1 {
		why += fmt.Sprintf("; requests sending other token variables are left alone (manage them too with tokens: in pmprep.yaml, or name the variable with variables.access_token)")
	}
	return name, why
}

// assumptions notes every setting that neither the caller nor an earlier
// block set: where it came from.
func (b *builder) assumptions(s script.Settings) {
	if b.prev != nil {
		return
	}
	rep := &b.p0().Report
	from := func(key, what, value string) {
		if b.opts.Explicit[key] {
			return
		}
		if b.zc != nil && b.zc.sets[key] {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s %s: from the oauth2 block at %s%s", what, value, b.zc.Path, b.zc.why[key]))
			return
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s %s: the default (set it with --%s or in pmprep.yaml)", what, value, flagName(key)))
	}
	from("grant", "grant", s.Grant)
	from("client_auth", "client authentication", s.ClientAuth)
	if s.TokenURL == "" && s.Issuer != "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("token URL: discovered at run time from issuer %s", s.Issuer))
		return
	}
	from("token_url", "token URL", s.TokenURL)
}

func flagName(key string) string {
	return map[string]string{"grant": "grant", "client_auth": "client-auth", "token_url": "token-url"}[key]
}

// varRef matches a {{name}} reference.
var varRef = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// soleVariable returns name when v is exactly "{{name}}".
func soleVariable(v string) (string, bool) {
	if m := varRef.FindStringSubmatchIndex(v); m != nil && m[0] == 0 && m[1] == len(v) {
		return v[m[2]:m[3]], true
	}
	return "", false
}
