// Package strip finds secret values in Postman collection (v2.1 and v2.0),
// environment and globals files and blanks them, keeping every other byte.
//
// It promises that only secret values change: each becomes "" (inside a
// URL or header string, only the value's characters are cut), keys and
// structure stay, and all edits are spliced in one pass by
// collection.Editor, so the result is byte-identical outside them and a
// second Scan finds nothing. Findings name a JSON path, a kind and a key,
// never the value. It does not read or write files and does not decide
// exit codes; cmd/pmprep does.
//
// # What is a secret
//
// A value is a secret when it stands at one of these positions and holds
// literal text:
//
//   - Auth blocks at collection, folder and request level and in saved
//     examples' originalRequest, in v2.1's list form and v2.0's object
//     form, for every type the block holds parameters of: bearer token;
//     basic, digest and ntlm password; oauth1 consumerSecret, tokenSecret,
//     privateKey; oauth2 accessToken, refreshToken, clientSecret, password;
//     apikey value; awsv4 secretKey, sessionToken; hawk authKey; edgegrid
//     accessToken, clientSecret; jwt secret, privateKey; asap privateKey.
//     User names, client ids, key names and URLs are not secrets.
//   - Request headers (also in saved examples, also disabled ones, also
//     the "Name: value" string form) named Authorization,
//     Proxy-Authorization or Cookie, or with a secret-looking name
//     (X-API-Key, X-Auth-Token, Ocp-Apim-Subscription-Key …).
//   - URL query parameters, in url.raw (only the value is cut; the rest of
//     the URL stays byte-identical) and in url.query[], named key, sig,
//     signature, X-Amz-Signature or with a secret-looking name
//     (access_token, api_key, client_secret …).
//   - urlencoded and form-data body fields with a secret-looking name
//     (client_secret, password, refresh_token …), whatever the body mode;
//     file fields are skipped.
//   - Variables of environments and globals, and of collections, folders
//     and requests: typed "secret", or with a secret-looking name.
//   - Saved responses' headers (Set-Cookie, Authorization and the like,
//     as request headers; not WWW-Authenticate, a challenge) and cookies.
//
// A name looks secret by config.LooksSecret, the rule inject and envs use
// too: whole words such as token, secret, password, passwd, pwd, apikey,
// credential, authorization, cookie, and "key" after api, private, secret,
// signing…; unless a word after it describes the secret instead (token_url,
// secret_name, token_type, private_key_id).
//
// At header, query, body and variable positions a value is also a secret,
// whatever its name, when its shape says so: a JWT (eyJ….eyJ….), an
// Authorization value "Bearer …" or "Basic …", a PEM private key, or a
// well-known token format (Postman PMAK-…, GitHub ghp_…/github_pat_…,
// Slack xox?-…, Stripe sk_live_…/rk_live_…, Google AIza…). The kind then
// ends in the shape, e.g. "variable note (JWT)".
//
// Not secrets: empty values, and values made only of {{variable}}
// references — also after an authorization scheme and with parameter names
// and punctuation around them ("Bearer {{token}}", "{{user}}:{{pass}}",
// "session={{sid}}"). A literal part ("Bearer abc{{x}}") makes the whole
// value a secret. Only strings and numbers are blanked.
//
// # Free text
//
// Scripts (event exec lines, at every level), descriptions (of the
// collection, folders, requests, headers, parameters, fields and
// variables), raw and GraphQL bodies and saved responses' bodies are code,
// documentation or data: strip cuts only the bytes of strong credential
// shapes there, and the rest of the string stays, escapes included. The
// shapes are a JWT, a known token format (as above), a PEM private key's
// base64 lines (the markers, line breaks and quotes stay, so a script still
// parses; the key may span exec lines; a block with code, ${…} or words
// between its markers is not a key and stays whole) and the credential
// after "Bearer " or "Basic " (the word and a sentence's period after it
// stay; "Bearer tokens", "Basic auth" and "Bearer YOUR_TOKEN" are words,
// not credentials). Raw bodies, GraphQL variables and saved responses'
// bodies are read as JSON ({"access_token": "…"}) or as a form
// (a=b&client_secret=…, short field names only) too: string values of
// members and fields with secret-looking names are cut to "" (a bare
// "pass", a count in API data, is not one, nor are facts about a secret:
// hasPassword, passwordLastChanged, secret_arn). {{variable}} references
// are never cut. The kind names the shape or member and the position:
// "JWT in script", "access_token in response body"; a name with
// unprintable characters is quoted, a long one cut. Cutting can join text
// into a new secret; strip looks again until nothing new appears, so a
// second run finds nothing.
//
// Not scanned: binary and file bodies, URL paths and hosts, and secrets
// in free text that have no strong shape (a password in a script's string,
// an XML body's <password>, a PEM key without its END marker in the same
// string or script); review those by hand or with a secret scanner.
//
// # Silencing
//
// Options.Allow (strip.allow in pmprep.yaml) silences a finding whose JSON
// path equals an entry or lies under it ("item[2].request.auth" silences
// everything in that auth block), or whose variable, parameter, header,
// cookie or body member name equals an entry ("demo_password"; header
// names ignore case).
//
// # Export noise
//
// With Options.Normalize, the members Postman rewrites on every export are
// removed: _postman_exported_at and _postman_exported_using at the top of
// environments and globals, and info._exporter_id in collections.
package strip
