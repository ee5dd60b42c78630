// Package script renders the JavaScript that pmprep injects into a Postman
// collection: a pre-request script that fetches, caches and renews OAuth 2.0
// access tokens inside the newman 6 / Postman sandbox, and (optionally) a
// test script that re-sends a request once after a 401.
//
// It promises: the output is a function of the Settings alone
// (byte-identical for equal Settings); every configured string is embedded
// as an escaped JavaScript string literal, so no value can break out of it;
// the lines are fenced by begin and end markers (IsBegin, IsEnd, FindBlock)
// and carry the settings, so ParseBlock recovers them from a collection.
//
// It does not read or edit collections (package collection does), and it
// does not check that the output parses as JavaScript at run time; its tests
// do that with node.
//
// What the generated pre-request script does, in short:
//
//   - It resolves {{vars}} in the settings with pm.variables.replaceIn
//     (pm.sendRequest resolves nothing), names any required variable that is
//     missing, and hints that an environment may not be selected.
//   - It keeps tokens in the collection variable CacheVar (JSON), keyed by
//     environment name, resolved token URL, client id, grant, scope,
//     audience, username and extra parameters: newman --export-environment
//     does not write it, and switching environment or client never reuses
//     another's token. On every request it publishes the token as a local
//     variable Vars.AccessToken (highest precedence), which the collection
//     auth references.
//   - A token is reused until skew before its expiry: expires_in (seconds,
//     number or string), else the JWT exp claim, else DefaultLifetime; the
//     skew is capped at half the lifetime.
//   - Failures (network error, HTTP error, non-JSON, no access_token, missing
//     variable) become a failed pm.test named TestTokenVariables or
//     TestTokenRequest and pm.execution.skipRequest(): the main request is
//     not sent and newman exits non-zero. Console output shows a token only
//     as its first four characters and never a secret.
//   - Extra parameters whose key or value resolves empty are not sent, like
//     an empty scope or audience. A value that still refers to an unset
//     variable after resolving is an error unless nothing else is left.
package script
