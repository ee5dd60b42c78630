package script

import "time"

// Grant types the generated script can perform.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantPassword          = "password"
)

// Client authentication methods (RFC 6749 §2.3.1).
const (
	ClientAuthBasic = "basic" // Authorization: Basic base64(urlenc(id):urlenc(secret))
	ClientAuthBody  = "body"  // client_id and client_secret as form parameters
)

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
}

// Settings is everything the generated scripts depend on. It is the
// input of Render and the thing hashed into the block's begin marker.
type Settings struct {
	// Name is the token domain's name (a key of tokens: in pmprep.yaml);
	// "" for the one token of a collection without tokens:.
	Name       string
	Grant      string // GrantClientCredentials, GrantRefreshToken or GrantPassword
	ClientAuth string // ClientAuthBasic or ClientAuthBody
	// TokenURL, Scope and Audience are templates resolved at run time with
	// pm.variables.replaceIn; an empty resolved Scope or Audience is not sent.
	TokenURL string // default "{{token_url}}"
	Scope    string // default "{{scope}}"
	Audience string // default "" (not sent)
	Params   []Param
	// Skew is how long before expiry the token is renewed; the script caps
	// it at half the token lifetime.
	Skew time.Duration
	// DefaultLifetime applies when the token response has neither
	// expires_in nor a JWT exp claim.
	DefaultLifetime time.Duration
	// Retry401 adds a collection test script that re-sends a request once
	// after a 401, with a fresh token.
	Retry401 bool
	// PersistRefreshToken makes the script write the newest refresh token
	// back to the environment variable Vars.RefreshToken, so that newman
	// --export-environment carries a rotated refresh token to the next run.
	// Off by default: the environment file then holds a live secret. With
	// the password grant it also makes the script start from that variable.
	PersistRefreshToken bool
	Vars                VarNames
	// Folders say which folders' requests do not use the token (a folder
	// with apikey, basic, noauth, … auth) and which below those use it again.
	// In a pre-request script pm.request.auth is undefined for any inherited
	// auth, so the script needs this to skip the token where it is not sent.
	// Taken from the collection by inject, not from the user.
	Folders []FolderRule
}

// FolderRule is one folder, by the names of the folders from the
// collection root down to it; the nearest enclosing rule decides.
type FolderRule struct {
	Path      []string
	UsesToken bool
}
