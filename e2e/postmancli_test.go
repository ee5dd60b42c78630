//go:build unix

package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"os"
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

// TestPostmanCLILeavesNothingInHome: the CLI writes ~/.postman (postmanrc,
// a log) — into the temporary HOME the helper gives it, never the user's;
// its "postman login" notices are printed but the run passes (exit 0).
func TestPostmanCLILeavesNothingInHome(t *testing.T) {
	realHome, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory:", err)
	}
	before := treeSnapshot(filepath.Join(realHome, ".postman"))
	cwd, _ := os.Getwd()
	srv := startServers(t, 30*time.Second)
	tr := postToken(t, srv.OIDCToken, form("grant_type", "client_credentials"), basicAuth(srv.Creds.BasicClientID, srv.Creds.BasicClientSecret))
	registerSecrets(tr.AccessToken)
	home := t.TempDir()
	coll := filepath.Join(e2eDir(t), "smoke.postman_collection.json")
	r := postmanCLIIn(t, home, RunOptions{}, coll, "--env-var", "api="+srv.API, "--env-var", "access_token="+tr.AccessToken)
	mustPass(t, r)
	if !strings.Contains(r.Output, "postman login") {
		t.Errorf("expected the CLI's login notice in its output (the run must pass despite it)")
	}
	if _, err := os.Stat(filepath.Join(home, ".postman", "postmanrc")); err != nil {
		t.Errorf("the CLI did not write its postmanrc into the temporary HOME (%v): is HOME still honoured?", err)
	}
	if after := treeSnapshot(filepath.Join(realHome, ".postman")); after != before {
		t.Errorf("the run changed %s/.postman:\nbefore %s\nafter  %s", realHome, before, after)
	}
	if _, err := os.Stat(filepath.Join(cwd, "postman-cli-reports")); err == nil {
		t.Errorf("the run left postman-cli-reports in %s", cwd)
	}
}

// treeSnapshot lists dir's files with sizes and modification times ("" when
// dir does not exist).
func treeSnapshot(dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d; ", p, fi.Size(), fi.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
