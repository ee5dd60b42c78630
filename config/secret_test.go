package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLooksSecret(t *testing.T) {
	secret := []string{
		"client_secret", "clientSecret", "ClientSecret", "CLIENT_SECRET", "client-secret", "client.secret", "clientsecret",
		"secret", "secrets", "api_secret", "consumer_secret", "tokenSecret", "webhook_secret",
		"password", "Password", "db_password", "dbPassword", "password2", "passwd", "pwd", "MYSQL_PWD", "db_pass", "passphrase",
		"token", "tokens", "access_token", "accessToken", "accesstoken", "refresh_token", "refreshToken", "id_token",
		"session_token", "sessionToken", "auth_token", "x-auth-token", "bearer_token", "csrftoken", "oauth2token",
		"api_key", "apiKey", "APIKey", "apikey", "x-api-key", "X-API-Key", "XAPIKey", "Ocp-Apim-Subscription-Key",
		"private_key", "privateKey", "signing_key", "encryption_key", "master_key", "secret_key", "secretKey",
		"aws_secret_access_key", "authKey",
		"credentials", "credential", "google_credentials",
		"Authorization", "authorization", "Proxy-Authorization", "auth_header", "authHeader", "authheader",
		"cookie", "Cookie", "session_cookies", "password_hash",
	}
	notSecret := []string{
		"", "token_url", "tokenUrl", "TOKEN_URL", "access_token_url", "tokenEndpoint", "authorization_url",
		"client_id", "clientId", "username", "user", "base_url", "scope", "audience",
		"secret_name", "secretName", "secret_id", "private_key_id", "private_key_path", "credentials_file",
		"token_type", "token_expiry", "refresh_token_expires_in", "token_ttl", "password_min_length",
		"password_reset_url", "api_key_name", "api_key_header_name", "cookie_name", "csrf_token_header_name",
		"max_tokens", "max_completion_tokens", "token_count", "num_tokens",
		"next_token", "pagination_token", "continuationToken", "Access-Control-Allow-Credentials", "X-Paypal-Token-Service",
		"tokenizer", "passport", "bypass", "compass", "passwordless", "secretary",
		"auth", "auth_type", "key", "access_key", "aws_access_key_id", "consumer_key", "public_key",
		"pmprep_access_token_name", "password_grant",
	}
	for _, k := range secret {
		if !LooksSecret(k) {
			t.Errorf("LooksSecret(%q) = false, want true", k)
		}
	}
	for _, k := range notSecret {
		if LooksSecret(k) {
			t.Errorf("LooksSecret(%q) = true, want false", k)
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
