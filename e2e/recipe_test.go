//go:build unix

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readmeRecipe returns the shell lines of the CI recipe (docs/ci.md).
func readmeRecipe(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "```sh\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no sh block in docs/ci.md")
	}
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		if strings.HasPrefix(l, "make build") {
			continue // the test builds pmprep itself and puts it on PATH
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

const ciCollection = `{
	"info": {
		"name": "CI recipe",
		"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
	},
	"item": [
		{
			"name": "me",
			"event": [{"listen": "test", "script": {"type": "text/javascript", "exec": ["pm.test(\"200 OK\", () => pm.response.to.have.status(200));"]}}],
			"request": {"method": "GET", "url": "{{base_url}}/me"}
		}
	]
}
`

// The CI recipe (docs/ci.md) runs as written: inject and envs from one
// pmprep.yaml, newman with the secret from the CI environment — for staging
// and prod, which use different clients.
func TestReadmeCIRecipe(t *testing.T) {
	srv := startServers(t, 60*time.Second)
	recipe := readmeRecipe(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`collection: api.postman_collection.json
auth:
  grant: client_credentials
  client_auth: basic
  scope: "api:read"
environments:
  staging:
    base_url: %s
    token_url: %s
    client_id: %q
    client_secret: {secret: true, from: STAGING_CLIENT_SECRET}
  prod:
    base_url: %s
    token_url: %s
    client_id: %q
    client_secret: {secret: true, from: PROD_CLIENT_SECRET}
`, srv.API, srv.OIDCToken, srv.Creds.BasicClientID, srv.API, srv.OIDCToken, srv.Creds.SpecialClientID)
	os.WriteFile(filepath.Join(dir, "pmprep.yaml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "api.postman_collection.json"), []byte(ciCollection), 0o644)
	path := filepath.Dir(pmprepBin(t)) + ":" + filepath.Join(e2eDir(t), "node_modules", ".bin") + ":" + os.Getenv("PATH")
	for _, envName := range []string{"staging", "prod"} {
		t.Run(envName, func(t *testing.T) {
			srv.ResetStats(t)
			script := recipe
			if envName == "prod" {
				script = strings.NewReplacer("staging", "prod", "STAGING", "PROD").Replace(recipe)
			}
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+path,
				"STAGING_CLIENT_SECRET="+srv.Creds.BasicClientSecret, "PROD_CLIENT_SECRET="+srv.Creds.SpecialClientSecret)
			out, err := cmd.CombinedOutput()
			assertNoSecrets(t, "recipe output", string(out))
			if err != nil {
				t.Fatalf("recipe failed: %v\n%s", err, redact(string(out)))
			}
			st := srv.Stats(t)
			want := map[string]string{"staging": srv.Creds.BasicClientID, "prod": srv.Creds.SpecialClientID}[envName]
			if st.API.ByClient[want] != 1 || st.Token.OIDC.Requests != 1 {
				t.Errorf("API by client %v, token requests %d; want one request as %s", st.API.ByClient, st.Token.OIDC.Requests, want)
			}
			env, _ := os.ReadFile(filepath.Join(dir, "build/env", envName+".postman_environment.json"))
			if !strings.Contains(string(env), `"type": "secret"`) || strings.Contains(string(env), srv.Creds.BasicClientSecret) {
				t.Errorf("environment file: secret not typed secret, or its value written")
			}
		})
	}
}

// Variables renamed in pmprep.yaml reach the generated script and work
// under newman.
func TestRenamedVariables(t *testing.T) { forEachRunner(t, testRenamedVariables) }

func testRenamedVariables(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`collection: api.postman_collection.json
auth:
  client_auth: body
variables:
  token_url: auth_server
  client_id: app_id
  client_secret: app_secret
  access_token: my_token
environments:
  dev:
    base_url: %s
    auth_server: %s
    app_id: %q
    app_secret: {secret: true, from: DEV_APP_SECRET}
`, srv.API, srv.OIDCToken, srv.Creds.BodyClientID)
	os.WriteFile(filepath.Join(dir, "pmprep.yaml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "api.postman_collection.json"), []byte(ciCollection), 0o644)
	if _, stderr, code := pmprep(t, dir, "inject", "-o", "out.json"); code != 0 {
		t.Fatalf("inject: %s", stderr)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out.json"))
	for _, want := range []string{`{{my_token}}`, `\"auth_server\"`, `\"app_id\"`, `\"app_secret\"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("injected collection does not mention %s", want)
		}
	}
	registerSecrets(srv.Creds.BodyClientSecret)
	if _, stderr, code := pmprep(t, dir, "envs", "-d", "env"); code != 0 {
		t.Fatalf("envs: %s", stderr)
	}
	r := run.Run(t, filepath.Join(dir, "out.json"), "-e", filepath.Join(dir, "env", "dev.postman_environment.json"),
		"--env-var", "app_secret="+srv.Creds.BodyClientSecret)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.ByAuth["body"] != 1 || st.API.OK != 1 {
		t.Errorf("token %+v, API %+v", st.Token.OIDC.ByAuth, st.API)
	}
}
