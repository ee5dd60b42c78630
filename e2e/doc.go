// Package e2e holds pmprep's end-to-end tests: the real newman (pinned in
// testdata/e2e/package.json) runs injected collections against real OAuth 2.0
// servers from npm (oidc-provider, @node-oauth/oauth2-server), a protected API
// and a fault-injection token endpoint, all started by the tests on 127.0.0.1
// by testdata/e2e/servers.mjs.
//
// The package has no non-test code; the helpers live in harness_test.go.
// Install the Node dependencies with `npm ci --prefix testdata/e2e`
// (make e2e-deps). Without them the tests skip, unless CI or
// PMPREP_E2E_REQUIRED=1 is set, in which case they fail.
package e2e
