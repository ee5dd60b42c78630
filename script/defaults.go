package script

import "time"

// Names of the variables the generated scripts keep for themselves.
const (
	// CacheVar is the collection variable holding the token cache as JSON:
	// access tokens and the newest refresh tokens, per environment and
	// client. Collection variables set at run time are not written by newman
	// --export-environment or --export-collection.
	CacheVar = "pmprep_cache"
	// RetryVar is the local variable that remembers which request (per
	// iteration) was already re-sent after a 401.
	RetryVar = "pmprep_retry"
	// UsedVar is the local variable in which the pre-request script records
	// the tokens (access-token variable and cache key) the current request
	// uses, for the test script (--retry-401).
	UsedVar = "pmprep_used"
	// PendingVar is the local variable holding the retry the test script
	// planned (request id and iteration); the next pre-request script clears
	// it, and says so when the planned request is not the one that runs.
	PendingVar = "pmprep_retry_pending"
)

// Names of the failing tests by which the generated script reports that it
// could not get a token; the main request is then skipped.
const (
	// TestTokenVariables: a required variable is not set or empty, or no
	// refresh token is left to use.
	TestTokenVariables = "pmprep: token variables"
	// TestTokenRequest: the token endpoint could not be reached, answered an
	// HTTP error, or did not answer a JSON object with an access_token.
	TestTokenRequest = "pmprep: token request"
	// TestScriptError: an unexpected exception in the script itself.
	TestScriptError = "pmprep: script error"
)

// DefaultLifetime is the token lifetime assumed when a token response has
// neither expires_in nor a JWT exp claim: five minutes, short enough that an
// unknown lifetime rarely outlives the token, long enough to fetch rarely.
const DefaultLifetime = 300 * time.Second

// DefaultSkew is how long before expiry a token is renewed by default.
const DefaultSkew = 30 * time.Second

// DefaultVarNames returns the variable names documented on VarNames.
func DefaultVarNames() VarNames {
	return VarNames{
		TokenURL:     "token_url",
		ClientID:     "client_id",
		ClientSecret: "client_secret",
		Scope:        "scope",
		Audience:     "audience",
		Username:     "username",
		Password:     "password",
		RefreshToken: "refresh_token",
		AccessToken:  "pmprep_access_token",

		ClientPrivateKey: "client_private_key",
		ClientKeyID:      "client_key_id",
		ClientAssertion:  "client_assertion",
		Issuer:           "issuer",
	}
}

// Defaults returns the token settings pmprep inject uses when nothing says
// otherwise: the default domain (no name), client_credentials with Basic
// client authentication against {{token_url}}, scope {{scope}} (sent only
// when it resolves non-empty), no audience, 30s skew, DefaultLifetime.
func Defaults() Settings {
	v := DefaultVarNames()
	return Settings{
		Grant:           GrantClientCredentials,
		ClientAuth:      ClientAuthBasic,
		TokenURL:        "{{" + v.TokenURL + "}}",
		Scope:           "{{" + v.Scope + "}}",
		Skew:            DefaultSkew,
		DefaultLifetime: DefaultLifetime,
		Vars:            v,
	}
}
