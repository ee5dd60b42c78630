// Package script renders the JavaScript that pmprep injects into a Postman
// collection: a pre-request script that fetches, caches and renews OAuth 2.0
// access tokens inside the newman 6 / Postman sandbox, and (optionally) a
// test script that re-sends a request once after a 401.
//
// It promises: the output is a function of the Script alone
// (byte-identical for equal Scripts); every configured string is embedded
// as an escaped JavaScript string literal, so no value can break out of it;
// the lines are fenced by begin and end markers (IsBegin, IsEnd, FindBlock)
// and carry the settings, so ParseBlock recovers them from a collection
// (also a one-token block written before token domains existed).
//
// It does not read or edit collections (package collection does), and it
// does not check that the output parses as JavaScript at run time; its tests
// do that with node.
//
// What the generated pre-request script does, in short:
//
//   - It decides per request which token domains (Script.Tokens) the request
//     needs: those it inherits (Script.Inherit, or the nearest FolderRule by
//     pm.execution.location; none when the request has its own auth), plus
//     every domain whose {{Vars.AccessToken}} its own definition (auth,
//     headers, URL, body) references. No domain: it does nothing.
//   - It reads every input as the first non-empty value of the local,
//     iteration data, environment, collection and global scopes (an empty
//     collection variable does not hide a global), resolving nested {{vars}}
//     and Postman's {{$dynamic}} ones; a missing input is named with the
//     grant and the domain, hinting that an environment may not be selected.
//   - It keeps tokens in the collection variable CacheVar (JSON), keyed by
//     domain, environment name, resolved token URL, client id, grant, scope,
//     audience, username and extra parameters: newman --export-environment
//     does not write it, and switching environment or client never reuses
//     another's token. It publishes each token as the local variable
//     Vars.AccessToken of its domain (highest precedence).
//   - A token is reused until skew before its expiry: expires_in (seconds,
//     number or string), else the JWT exp claim, else DefaultLifetime; the
//     skew is capped at half the lifetime.
//   - Failures (network error, HTTP error, non-JSON, no access_token, missing
//     variable) become a failed pm.test named TestTokenVariables or
//     TestTokenRequest and pm.execution.skipRequest(): the main request is
//     not sent and newman exits non-zero. Console output shows a token only
//     as its first four characters and never a secret.
//   - No request storms: a token request rejected with a 4xx (not 408/429)
//     is not repeated for the same domain, client and inputs (fingerprints of
//     secret, password and refresh token) for 10 minutes; other failures are
//     retried at most every 10 s, or later when Retry-After asks. Requests in
//     between fail at once with the remembered message.
//   - The refresh_token grant never switches to client_credentials unasked:
//     only a refresh token the server rejected falls back to it (with a
//     client secret set, saying so in the console).
//   - Extra parameters whose key or value resolves empty are not sent, like
//     an empty scope or audience. A value that still refers to an unset
//     variable after resolving is an error unless nothing else is left.
//
// With Script.Retry401 the test script re-sends a request once after a 401,
// dropping the cached tokens of the domains it used (UsedVar); when the
// request's own test script sends the run elsewhere with setNextRequest, the
// next pre-request script says that the retry did not happen (PendingVar).
package script
