// Package inject decides what pmprep inject changes in a Postman collection
// so that every request keeps its meaning: where a request sent a token that
// pmprep now manages, it sends a fresh one; every other request sends what it
// sent before and fetches no token.
//
// Build reads the collection once: the effective auth of every request (as
// postman-runtime resolves it: the request's own auth, else the nearest
// folder's, else the collection's), the token domains (one by default; several
// with tokens: in pmprep.yaml), what an existing oauth2 block says
// (zero-config), and what requests send by themselves (Authorization headers,
// URL userinfo, scripts that set the header). Its Plan holds the edits for
// collection.PlanInject, the settings for script.Render, and a Report that
// says, per token domain, which requests use it, which were left alone and
// why, which are newly authorised, and every setting it assumed.
//
// The package does not render JavaScript (package script does) and does not
// edit bytes (package collection does); it never reads or prints a secret's
// value beyond recognising that a value is literal.
package inject
