package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/internal/secretlike"
)

// TestLooksSecret: config reads names with secretlike's one rule (the
// cases live in internal/secretlike).
func TestLooksSecret(t *testing.T) {
	for _, k := range []string{"client_secret", "token_url", "page_access_token", "next_token", "X-Auth", ""} {
		if LooksSecret(k) != secretlike.Name(k) {
			t.Errorf("LooksSecret(%q) = %v, secretlike.Name says %v", k, LooksSecret(k), secretlike.Name(k))
		}
	}
}

func TestWords(t *testing.T) {
	tests := map[string][]string{
		"client_secret":  {"client", "secret"},
		"X-API-Key":      {"x", "api", "key"},
		"XAPIKey":        {"xapi", "key"},
		"accessTokenURL": {"access", "token", "url"},
		"oauth2Token":    {"oauth2", "token"},
		"a.b c--d":       {"a", "b", "c", "d"},
		"":               nil,
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, NameWords(in)); diff != "" {
			t.Errorf("NameWords(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestEnvVarName(t *testing.T) {
	tests := []struct{ env, key, want string }{
		{"staging", "client_secret", "STAGING_CLIENT_SECRET"},
		{"prod-eu", "apiKey", "PROD_EU_API_KEY"},
		{"1st", "password", "_1ST_PASSWORD"},
		{"dév", "x", "DV_X"},
	}
	for _, tt := range tests {
		if got := envVarName(tt.env, tt.key); got != tt.want {
			t.Errorf("envVarName(%q, %q) = %q, want %q", tt.env, tt.key, got, tt.want)
		}
	}
}
