//go:build unix

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clientAuthRecipes returns the sh blocks of docs/client-auth.md by their
// first line's method ("# private_key_jwt: ..." -> "private_key_jwt").
func clientAuthRecipes(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "client-auth.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	rest := string(data)
	for {
		_, block, ok := strings.Cut(rest, "```sh\n")
		if !ok {
			return out
		}
		block, rest, _ = strings.Cut(block, "```")
		first, _, _ := strings.Cut(block, "\n")
		method, _, _ := strings.Cut(strings.TrimPrefix(first, "# "), ":")
		out[method] = block
	}
}

// Every recipe of docs/client-auth.md runs as written, with pmprep, newman
// and the Postman CLI on PATH, against oidc-provider: each gets a token as
// its client and the API answers.
func TestClientAuthRecipes(t *testing.T) {
	bin := requirePostmanCLI(t)
	k := testKeys(t)
	srv := clientAuthServers(t, k, clientAuthLifetimes)
	recipes := clientAuthRecipes(t)
	binDir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(binDir, "postman")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Dir(pmprepBin(t)) + ":" + filepath.Join(e2eDir(t), "node_modules", ".bin") + ":" + binDir + ":" + os.Getenv("PATH")
	assertion := mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(5*time.Minute))
	cases := []struct {
		method, client, tokenURL string
		env                      []string
		tokens                   int // token requests: one per runner the recipe runs
	}{
		{"client_secret_jwt", secretJWTClient, srv.OIDCToken, []string{"CLIENT_SECRET=" + secretJWTSecret}, 1},
		{"private_key_jwt", keyJWTClient, srv.OIDCToken, nil, 1},
		{"assertion", assertionClient, srv.OIDCToken, []string{"CLIENT_ASSERTION=" + assertion}, 1},
		{"tls", tlsClient, srv.OIDCTLS + "/token", nil, 2},
		{"none", publicClient, srv.OIDCToken, nil, 1},
		{"discovery", secretJWTClient, "", []string{"ISSUER=" + srv.OIDC, "CLIENT_SECRET=" + secretJWTSecret}, 1},
	}
	if len(recipes) != len(cases) {
		t.Errorf("docs/client-auth.md has %d sh recipes, this test knows %d", len(recipes), len(cases))
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			recipe, ok := recipes[c.method]
			if !ok {
				t.Fatalf("docs/client-auth.md has no recipe starting with # %s:", c.method)
			}
			srv.ResetStats(t)
			dir := t.TempDir()
			vars := map[string]string{"base_url": srv.API, "client_id": c.client}
			if c.tokenURL != "" {
				vars["token_url"] = c.tokenURL
			}
			env(t, dir, "staging", vars)
			files := map[string]string{"api.postman_collection.json": ciCollection, "signing-key.pem": pkcs8(k.rsa1)}
			for name, from := range map[string]string{"client.pem": k.clientCert, "client-key.pem": k.clientKey, "ca.pem": k.caPEM} {
				files[name] = string(must(os.ReadFile(from)))
			}
			for name, text := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", recipe)
			cmd.Dir = dir
			cmd.Env = append(postmanCLIEnv(t.TempDir()), append(c.env, "PATH="+path)...)
			timer := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
			out, err := cmd.CombinedOutput()
			timer.Stop()
			assertNoSecrets(t, "recipe output", string(out))
			assertNoKeyMaterial(t, string(out), k)
			if err != nil {
				t.Fatalf("recipe failed: %v\n%s", err, redact(string(out)))
			}
			st := srv.Stats(t)
			if st.Token.OIDC.ByClient[c.client] != c.tokens || st.Token.OIDC.Requests != c.tokens || st.API.OK != c.tokens {
				t.Errorf("token requests %v, API ok %d; want %d as %s and %d API successes", st.Token.OIDC.ByClient, st.API.OK, c.tokens, c.client, c.tokens)
			}
			if c.method == "discovery" && st.Discovery["/.well-known/openid-configuration"] != 1 {
				t.Errorf("discovery GETs %v, want one", st.Discovery)
			}
		})
	}
}
