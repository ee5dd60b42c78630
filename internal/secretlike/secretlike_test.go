package secretlike

import "testing"

// TestName: the word rule on the names config, inject and strip meet.
func TestName(t *testing.T) {
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
		// A secret's address or algorithm, not the secret (the review's false alarms).
		"secret_arn", "secretsManagerArn", "db_password_arn", "password_hash_algo", "token_signing_algorithm", "jwt_secret_alg",
	}
	check(t, "Name", Name, secret, notSecret)
}

// check asserts that f (named fn) holds for every yes and for no no.
func check(t *testing.T, fn string, f func(string) bool, yes, no []string) {
	t.Helper()
	for _, k := range yes {
		if !f(k) {
			t.Errorf("%s(%q) = false, want true", fn, k)
		}
	}
	for _, k := range no {
		if f(k) {
			t.Errorf("%s(%q) = true, want false", fn, k)
		}
	}
}

// TestNameRound2 holds the names issue 11 found the word rule misreading,
// and the settings it must keep reading as settings.
func TestNameRound2(t *testing.T) {
	secret := []string{
		"client_assertion", "page_access_token", "previous_refresh_token", "x-functions-key", "X-App-Key", "X-Auth", "hmac_key",
		"MONGO_URI", "DATABASE_URL", "redis_url", "SENTRY_DSN", "AzureWebJobsStorage_connection_string",
		"storage_account_key", "shared_key", "webhook_key", "session_key",
		// the review's misses (Datadog's application key, merchant and client keys)
		"DD-APPLICATION-KEY", "X-Application-Key", "merchantKey", "merchant_key", "client_key", "clientKey",
		// unchanged
		"client_secret", "x-api-key", "Authorization", "access_token", "password",
	}
	notSecret := []string{
		"cookieChallenge", "requested_token_use", "Postman-Token", "postman_token",
		"next_token", "nextPageToken", "page_token", "max_completion_tokens", "Access-Control-Allow-Credentials",
		"client_assertion_type", "auth", "x-auth-type", "base_url", "mongo_db_name", "access_key", "consumer_key", "token_usage",
	}
	check(t, "Name", Name, secret, notSecret)
}

// TestPlaceholders is the golden list of values that stand for a secret
// without being one (SPEC "strip, round 2" and issue 11), and look-alikes
// that are secrets.
func TestPlaceholders(t *testing.T) {
	placeholders := []string{
		"<your-api-key>", "<API_KEY>", "<Bearer Token>", "<API Key>", "<string>", "<token>",
		"${API_KEY}", "${env.TOKEN}", "$API_KEY", "#{ClientSecret}#", "%CLIENT_SECRET%", "[api key]", "[YOUR TOKEN]",
		"********", "***", "xxxxxxxx", "XXXXXXXXXXXX", "xxxx-xxxx-xxxx", "••••••",
		"YOUR_API_KEY", "your-api-key", "your_token_here", "YourSecret", "your api key", "YOUR_API_KEY_V2", "your-oauth2-token",
		"changeme", "CHANGEME", "change_me", "change-me",
		"string", "boolean", "number", "integer", "String", "Boolean",
		"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"{{vault:my-secret}}", "{{token}}",
		"Bearer <token>", "Bearer YOUR_TOKEN", "Basic <credentials>", "Bearer ${TOKEN}",
		"  <padded>  ",
	}
	secrets := []string{
		"s3cr3t-Pa55", "hunter2", "abc123", "xoxb-123456789012-abcdefghij", "Bearer abcdef0123456789abcdef",
		"yourself1", "<script", "x", "**a**", "$", "%%", "example-but-real-9f8e7d", "AKIAQ3EGUMBVLN3XXQ4P",
		"your", "[unclosed", "Xx9", "EAAB", "$ecretPass1", "YourCompany2024!",
		// key material after the word "your" (the review's misses)
		"YOUR_8f9a0b1c2d3e4f5a6b7c", "Your s3cret is 9f8e7d6c5b4a", "your-key-a1b2c3d4e5",
	}
	check(t, "Placeholder", Placeholder, placeholders, secrets)
}
