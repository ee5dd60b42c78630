package main

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The examples of docs/client-auth.md: its sh recipes run in the e2e suite
// (TestClientAuthRecipes), its pmprep.yaml in config's
// TestClientAuthDocsConfig, and its GitHub Actions workflow is checked
// here. Registered from this file so that the page's checks live together.
func init() {
	for _, first := range []string{
		"# client_secret_jwt: an HS256 assertion signed with the client secret",
		"# private_key_jwt: signed with your PEM private key, kid from client_key_id",
		"# assertion: a token minted elsewhere, sent as is",
		"# tls: RFC 8705 tls_client_auth, the certificate from the runner",
		"# none: a public client sends only its client_id",
		"# discovery: the token endpoint from the issuer's metadata",
	} {
		exampleChecks["docs/client-auth.md: "+first] = testedBy("e2e", "TestClientAuthRecipes")
	}
	exampleChecks["docs/client-auth.md: auth:                                 # client authentication settings"] = testedBy("config", "TestClientAuthDocsConfig")
	exampleChecks["docs/client-auth.md: jobs:"] = checkClientAuthWorkflow
}

// checkClientAuthWorkflow: the workload-identity workflow asks GitHub for
// an OIDC token (id-token: write, the ACTIONS_ID_TOKEN_REQUEST_* request,
// masked) and runs exactly the tested assertion recipe's pmprep and newman
// commands, with this module's pmprep and the pinned newman.
func checkClientAuthWorkflow(t *testing.T, ex example) {
	var wf struct {
		Jobs map[string]struct {
			RunsOn      string            `yaml:"runs-on"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(ex.text), &wf); err != nil || len(wf.Jobs) != 1 {
		t.Fatalf("want one job: %v", err)
	}
	recipe := map[string]bool{}
	for _, block := range strings.Split(readDoc(t, "docs/client-auth.md"), "```sh\n")[1:] {
		if strings.HasPrefix(block, "# assertion:") {
			block, _, _ = strings.Cut(block, "```")
			for _, c := range commands(block) {
				recipe[c] = true
			}
		}
	}
	if len(recipe) == 0 {
		t.Fatal("no assertion recipe in docs/client-auth.md")
	}
	for _, job := range wf.Jobs {
		if job.Permissions["id-token"] != "write" {
			t.Error("the job cannot ask for an OIDC token: permissions id-token: write is missing")
		}
		ran := map[string]bool{}
		var asked, masked bool
		for _, s := range job.Steps {
			for _, c := range commands(s.Run) {
				switch {
				case strings.HasPrefix(c, "pmprep ") || strings.HasPrefix(c, "newman run "):
					if !recipe[c] {
						t.Errorf("%q is not a command of the tested assertion recipe", c)
					}
					ran[c] = true
				case strings.HasPrefix(c, "go install "):
					if !strings.HasPrefix(c, "go install "+modulePath(t)+"/cmd/pmprep@") {
						t.Errorf("%q does not install this module's pmprep", c)
					}
				case strings.Contains(c, "npm install -g newman"):
					if !strings.HasSuffix(c, "newman@"+pinnedNewman(t)) {
						t.Errorf("%q: the tested newman is %s", c, pinnedNewman(t))
					}
				case strings.HasPrefix(c, "CLIENT_ASSERTION=$(curl "):
					asked = strings.Contains(c, "$ACTIONS_ID_TOKEN_REQUEST_TOKEN") && strings.Contains(c, "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=")
				case c == `echo "::add-mask::$CLIENT_ASSERTION"`:
					masked = true
				}
			}
		}
		if len(ran) != len(recipe) {
			t.Errorf("the workflow runs %d of the recipe's %d commands", len(ran), len(recipe))
		}
		if !asked || !masked {
			t.Errorf("the workflow does not ask GitHub for the OIDC token (%v) or does not mask it (%v)", asked, masked)
		}
	}
}
