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

// The CI recipe with the Postman CLI: the lines of docs/ci.md's recipe up to
// the newman run (inject, envs), then the sh block of its Postman CLI section,
// with `postman` on PATH, a temporary HOME and the secret from the CI
// environment.
func TestReadmePostmanCLIRecipe(t *testing.T) {
	bin := requirePostmanCLI(t)
	srv := startServers(t, 60*time.Second)
	prep, _, ok := strings.Cut(readmeRecipe(t), "newman run")
	if !ok {
		t.Fatal("docs/ci.md's recipe has no newman run line")
	}
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "## The Postman CLI")
	_, block, ok2 := strings.Cut(section, "```sh\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 || !strings.HasPrefix(block, "postman collection run") {
		t.Fatal("docs/ci.md's Postman CLI section has no sh block starting with postman collection run")
	}
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
`, srv.API, srv.OIDCToken, srv.Creds.BasicClientID)
	os.WriteFile(filepath.Join(dir, "pmprep.yaml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "api.postman_collection.json"), []byte(ciCollection), 0o644)
	binDir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(binDir, "postman")); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	path := filepath.Dir(pmprepBin(t)) + ":" + binDir + ":" + os.Getenv("PATH")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", prep+block)
	cmd.Dir = dir
	cmd.Env = append(postmanCLIEnv(home), "PATH="+path, "STAGING_CLIENT_SECRET="+srv.Creds.BasicClientSecret)
	out, err := cmd.CombinedOutput()
	assertNoSecrets(t, "recipe output", string(out))
	if err != nil {
		t.Fatalf("recipe failed: %v\n%s", err, redact(string(out)))
	}
	if st := srv.Stats(t); st.API.OK != 1 || st.Token.OIDC.Requests != 1 {
		t.Errorf("API %+v, token requests %d; want one authorised request and one token", st.API, st.Token.OIDC.Requests)
	}
	if _, err := os.Stat(filepath.Join(home, ".postman")); err != nil {
		t.Errorf("the CLI's ~/.postman is not in the temporary HOME: %v", err)
	}
}
