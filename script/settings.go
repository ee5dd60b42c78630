package script

import (
	"fmt"
	"strings"
	"time"
)

// Grant types the generated script can perform.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantPassword          = "password"
)

// Client authentication methods (RFC 6749 §2.3.1, RFC 7523, RFC 8705).
const (
	ClientAuthBasic = "basic" // Authorization: Basic base64(urlenc(id):urlenc(secret))
	ClientAuthBody  = "body"  // client_id and client_secret as form parameters
	// ClientAuthClientSecretJWT sends an HS256 JWT signed with the client
	// secret as client_assertion (RFC 7523 §2.2).
	ClientAuthClientSecretJWT = "client_secret_jwt"
	// ClientAuthPrivateKeyJWT sends a JWT signed with the PEM private key in
	// Vars.ClientPrivateKey as client_assertion.
	ClientAuthPrivateKeyJWT = "private_key_jwt"
	// ClientAuthAssertion sends the assertion in Vars.ClientAssertion as is
	// (obtained elsewhere, e.g. a CI provider's OIDC token).
	ClientAuthAssertion = "assertion"
	// ClientAuthTLS is RFC 8705 tls_client_auth: client_id in the body; the
	// certificate comes from the runner (newman --ssl-client-cert).
	ClientAuthTLS = "tls"
	// ClientAuthNone is a public client: client_id in the body only.
	ClientAuthNone = "none"
)

// ClientAuthName is m with Postman's spelling "header" read as basic.
func ClientAuthName(m string) string {
	if m == "header" {
		return ClientAuthBasic
	}
	return m
}

// ClientAuthMethods lists every client authentication method, in the order
// messages name them.
var ClientAuthMethods = []string{ClientAuthBasic, ClientAuthBody, ClientAuthClientSecretJWT, ClientAuthPrivateKeyJWT,
	ClientAuthAssertion, ClientAuthTLS, ClientAuthNone}

// AssertionAlgs are the algorithms a private_key_jwt assertion may be
// signed with (templates/jwtsign.js implements them).
var AssertionAlgs = []string{"RS256", "RS384", "RS512", "PS256", "ES256"}

// AssertionType is the client_assertion_type of RFC 7523 §2.2.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// UsesSecret reports whether method m reads the client secret.
func UsesSecret(m string) bool {
	return m == ClientAuthBasic || m == ClientAuthBody || m == ClientAuthClientSecretJWT
}

// SignsAssertion reports whether method m signs a client assertion in the
// script.
func SignsAssertion(m string) bool {
	return m == ClientAuthClientSecretJWT || m == ClientAuthPrivateKeyJWT
}

// SendsAssertion reports whether method m sends client_assertion.
func SendsAssertion(m string) bool { return SignsAssertion(m) || m == ClientAuthAssertion }

// Param is one extra token-request form parameter. Key and Value may
// contain {{vars}}, resolved at run time.
type Param struct {
	Key   string
	Value string
}

// VarNames are the Postman variable names the generated script reads (and,
// for AccessToken, publishes). Users may rename them in pmprep.yaml.
type VarNames struct {
	TokenURL     string // default "token_url"
	ClientID     string // default "client_id"
	ClientSecret string // default "client_secret"
	Scope        string // default "scope"
	Audience     string // default "audience"
	Username     string // default "username"
	Password     string // default "password"
	RefreshToken string // default "refresh_token": the initial refresh token (refresh_token grant)
	AccessToken  string // default "pmprep_access_token": where the token is published for the collection auth
	// ClientPrivateKey holds the PEM private key (private_key_jwt); a secret.
	ClientPrivateKey string // default "client_private_key"
	ClientKeyID      string // default "client_key_id": the JWT kid, sent when set (private_key_jwt)
	ClientAssertion  string // default "client_assertion": the assertion to send (assertion); a secret
	// Issuer is the variable that {{issuer}} in Settings.Issuer names; the
	// script itself reads only the Issuer template.
	Issuer string // default "issuer"
}

// Settings is one token domain's settings: how its token is obtained and
// where it is published. Several domains make up a Script.
type Settings struct {
	// Name is the domain's name: "" for the default domain, else its key
	// under tokens: in pmprep.yaml. Messages name it.
	Name       string
	Grant      string // GrantClientCredentials, GrantRefreshToken or GrantPassword
	ClientAuth string // ClientAuthBasic or ClientAuthBody
	// TokenURL, Scope and Audience are templates resolved at run time
	// ({{vars}} from every scope); an empty resolved Scope or Audience is
	// not sent.
	TokenURL string // default "{{token_url}}"
	Scope    string // default "{{scope}}"
	Audience string // default "" (not sent)
	Params   []Param
	// AssertionAlg is the private_key_jwt signing algorithm (one of
	// AssertionAlgs); "" takes RS256 for an RSA key and ES256 for EC P-256.
	AssertionAlg string
	// AssertionAudience is the aud of a signed assertion, a template; ""
	// is the resolved token endpoint URL.
	AssertionAudience string
	// Issuer, a template, turns on discovery: the token endpoint is read from
	// the issuer's metadata when TokenURL is "". TokenURL may be "" only then.
	Issuer string
	// Skew is how long before expiry the token is renewed; the script caps
	// it at half the token lifetime.
	Skew time.Duration
	// DefaultLifetime applies when the token response has neither
	// expires_in nor a JWT exp claim.
	DefaultLifetime time.Duration
	// PersistRefreshToken makes the script write the newest refresh token
	// back to the environment variable Vars.RefreshToken, so that newman
	// --export-environment carries a rotated refresh token to the next run.
	// Off by default: the environment file then holds a live secret. With
	// the password grant it also makes the script start from that variable.
	PersistRefreshToken bool
	// Vars are the variables the script reads; Vars.AccessToken is the
	// variable this domain's requests reference (e.g. "UserAccessToken"),
	// where the script publishes the token.
	Vars VarNames
}

// Script is everything the generated collection scripts depend on: the
// input of Render and what the begin marker hashes.
type Script struct {
	// Tokens are the token domains; at least one, their Vars.AccessToken
	// all distinct.
	Tokens []Settings
	// Inherit lists (indices into Tokens) the domains a request gets when it
	// inherits its auth all the way from the collection; empty: the
	// collection auth sends no managed token.
	Inherit []int
	// Folders are the folders whose inherited auth differs from their
	// parent's. In a pre-request script pm.request.auth is undefined for any
	// inherited auth, so the script needs these to know what a request
	// inherits. Taken from the collection by inject, not from the user.
	Folders []FolderRule
	// Retry401 adds a collection test script that re-sends a request once
	// after a 401, with fresh tokens of the domains it used.
	Retry401 bool
	// Requests gives, by item id (pm.info.requestId), the domains of
	// requests whose folders share a name path with folders of other auth:
	// the folder rules cannot tell them apart, the id can. Only requests
	// that inherit their auth and have an id are listed.
	Requests map[string][]int
	// Scan makes the script look at everything a request sends by itself
	// (enabled headers, URL, body), not only its own auth, for managed
	// variables: inject sets it when some request sends one there, and
	// always with several tokens. Without it the script is smaller.
	Scan bool
	// Header is for collection format v3, whose runner (the Postman CLI
	// 1.62.0) applies collection and folder auth to every pm.sendRequest,
	// the token request included: there the token cannot travel through
	// auth, so the script itself sets "Authorization: Bearer {{token}}" on
	// the requests listed in Managed, and only those inherit a domain
	// (Inherit, Folders and Requests are not used). pm.request.auth cannot
	// tell them apart in a v3 run (it is undefined for own noauth too);
	// pm.execution.location can. Only the requests inject saw are listed:
	// a rule by folder would also send the token on a request added later
	// with auth noauth, which a v3 run cannot tell from one that inherits.
	Header bool
	// Managed lists those requests by folder: the LocationKey of the
	// folder names below the collection, then the request's name, then its
	// domain. (A folder's path is written once, however many requests it
	// holds.) Used with Header only; see SetManaged and ManagedDomain.
	Managed map[string]map[string]int
}

// SetManaged lists the request at loc (its folder names and its own name)
// as sending the token of domain d.
func (s *Script) SetManaged(loc []string, d int) {
	if len(loc) == 0 {
		return
	}
	folder := LocationKey(loc[:len(loc)-1])
	if s.Managed == nil {
		s.Managed = map[string]map[string]int{}
	}
	if s.Managed[folder] == nil {
		s.Managed[folder] = map[string]int{}
	}
	s.Managed[folder][loc[len(loc)-1]] = d
}

// ManagedDomain is the domain Managed lists the request at loc under.
func (s Script) ManagedDomain(loc []string) (int, bool) {
	if len(loc) == 0 {
		return 0, false
	}
	d, ok := s.Managed[LocationKey(loc[:len(loc)-1])][loc[len(loc)-1]]
	return d, ok
}

// LocationKey is JSON.stringify(names), as the script computes it from
// pm.execution.location: only '"', '\' and control characters are
// escaped (encoding/json would also escape <, >, & and U+2028/U+2029).
func LocationKey(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range n {
			switch {
			case r == '"' || r == '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r == '\b':
				b.WriteString(`\b`)
			case r == '\f':
				b.WriteString(`\f`)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r < 0x20:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String()
}

// FolderRule is one folder, by the names of the folders from the
// collection root down to it; the nearest enclosing rule decides which
// domains a request that inherits its auth uses.
type FolderRule struct {
	Path   []string
	Tokens []int // indices into Script.Tokens; empty: no managed token
}
