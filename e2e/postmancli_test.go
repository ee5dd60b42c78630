//go:build unix

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPostmanCLIInstalled fails make test (PMPREP_E2E_REQUIRED=1) when the
// pinned Postman CLI is missing, saying how to install it, and checks the
// installed executable is the pinned version.
func TestPostmanCLIInstalled(t *testing.T) {
	bin := requirePostmanCLI(t)
	home := t.TempDir()
	out, err := runCmd(bin, home, "--version")
	if err != nil || strings.TrimSpace(out) != postmanCLIVersion {
		t.Fatalf("postman --version = %q (%v), want %s", strings.TrimSpace(out), err, postmanCLIVersion)
	}
}

// TestHarnessPostmanCLISmoke is TestHarnessNewmanSmoke under the Postman
// CLI: a valid token passes, a bad one fails with exit 1 and the 401 in the
// newman-shaped report, and the token is not in the output.
func TestHarnessPostmanCLISmoke(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	c := srv.Creds
	coll := filepath.Join(e2eDir(t), "smoke.postman_collection.json")
	tr := postToken(t, srv.OIDCToken, form("grant_type", "client_credentials"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "oidc", tr)

	res := postmanCLI(t, coll, "--env-var", "api="+srv.API, "--env-var", "access_token="+tr.AccessToken)
	if res.ExitCode != 0 || res.Summary == nil {
		res.Log(t)
		t.Fatalf("postman-cli smoke: exit %d, summary %v", res.ExitCode, res.Summary != nil)
	}
	s := res.Summary
	if s.Stat("requests").Total != 1 || s.Stat("assertions").Total != 2 || s.Stat("assertions").Failed != 0 || len(s.Run.Failures) != 0 {
		t.Errorf("postman-cli stats requests %+v assertions %+v failures %v", s.Stat("requests"), s.Stat("assertions"), s.FailureMessages())
	}
	if len(s.Run.Executions) != 1 || s.Run.Executions[0].Response == nil || s.Run.Executions[0].Response.Code != 200 {
		t.Errorf("postman-cli executions: %+v", s.Run.Executions)
	}
	if strings.Contains(res.Output, tr.AccessToken) {
		t.Errorf("postman-cli output contains the access token")
	}

	res = postmanCLI(t, coll, "--env-var", "api="+srv.API, "--env-var", "access_token=garbage-token-0123456789")
	if res.ExitCode != 1 || res.Summary == nil || res.Summary.Stat("assertions").Failed != 2 {
		res.Log(t)
		t.Fatalf("postman-cli with a bad token: exit %d, want 1 with 2 failed assertions", res.ExitCode)
	}
	if msgs := strings.Join(res.Summary.FailureMessages(), "\n"); !strings.Contains(msgs, "401") {
		t.Errorf("failures do not mention the 401: %s", msgs)
	}
	st := srv.Stats(t)
	if st.API.Requests != 2 || st.API.OK != 1 || st.API.ByReason["invalid"] != 1 || st.Token.All.Requests != 1 {
		t.Errorf("stats after postman-cli: api %+v, token requests %d", st.API, st.Token.All.Requests)
	}
}

// runCmd runs bin ARGS with the CLI's sandboxed environment in home.
func runCmd(bin, home string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), newmanTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = home
	cmd.Env = postmanCLIEnv(home)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
