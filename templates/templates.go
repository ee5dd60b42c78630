// Package templates holds the JavaScript templates from which package script
// renders pmprep's generated Postman scripts. It only embeds them: the data
// they expect, the escaping they rely on and their verification live in
// package script (go:embed cannot reach a parent directory, hence this
// package).
package templates

import "embed"

// FS holds prerequest.js.tmpl (the collection pre-request script that
// fetches, caches and renews OAuth 2.0 tokens) and test.js.tmpl (the
// collection test script that retries a request once after a 401).
//
//go:embed prerequest.js.tmpl test.js.tmpl
var FS embed.FS

// JWTSign is jwtsign.js: pure-JavaScript JWT signing (HS256, RS256/384/512,
// PS256, ES256) that the pre-request script carries only when a token signs
// its client assertion.
//
//go:embed jwtsign.js
var JWTSign string
