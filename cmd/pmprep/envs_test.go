package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pmprep/pmprep/config"
)

// With tokens:, every environment declares the inputs of every token that
// it does not set, each once.
func TestEnvsDeclaresEveryTokensInputs(t *testing.T) {
	const yml = `auth:
  scope: "{{shared_scope}}"
tokens:
  user:
    variable: UserAccessToken
    grant: refresh_token
    token_url: "{{user_token_url}}"
    variables: {client_id: user_client_id, client_secret: user_client_secret, refresh_token: user_refresh_token}
  app:
    variable: AppAccessToken
    token_url: "{{app_token_url}}"
    variables: {client_id: app_client_id, client_secret: app_client_secret}
environments:
  staging:
    user_token_url: https://auth.staging.example.test/user/token
    app_token_url: https://auth.staging.example.test/app/token
    app_client_id: app-staging
    app_client_secret: {secret: true, from: STAGING_APP_SECRET}
`
	cfg, err := config.Parse("pmprep.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var stderr bytes.Buffer
	if err := envs(cfg, dir, false, func(string) (string, bool) { return "", false }, &stderr, "json"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "staging.postman_environment.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Values []struct{ Key, Value, Type string }
	}
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range env.Values {
		got = append(got, v.Key+"="+v.Value+" "+v.Type)
	}
	want := []string{
		"user_token_url=https://auth.staging.example.test/user/token default",
		"app_token_url=https://auth.staging.example.test/app/token default",
		"app_client_id=app-staging default",
		"app_client_secret= secret",
		// Declared: user's inputs, then app's that user does not share.
		"user_client_id= default",
		"user_client_secret= secret",
		"shared_scope= default",
		"user_refresh_token= secret",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment values (-want +got):\n%s", diff)
	}
	for _, tok := range []string{"UserAccessToken", "AppAccessToken", "client_id", "token_url"} {
		if strings.Contains(string(data), `"`+tok+`"`) {
			t.Errorf("environment declares %s:\n%s", tok, data)
		}
	}
	if want := "user_client_id (empty), user_client_secret (empty), shared_scope (empty), user_refresh_token (empty)\n"; !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("summary %q does not end in %q", stderr.String(), want)
	}
}
