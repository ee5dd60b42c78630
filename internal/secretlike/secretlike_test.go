package secretlike

import "testing"

// TestNameRound2 holds the names issue 11 found the word rule misreading,
// and the settings it must keep reading as settings.
func TestNameRound2(t *testing.T) {
	secret := []string{
		"client_assertion", "page_access_token", "previous_refresh_token", "x-functions-key", "X-App-Key", "X-Auth", "hmac_key",
		"MONGO_URI", "DATABASE_URL", "redis_url", "SENTRY_DSN", "AzureWebJobsStorage_connection_string",
		"storage_account_key", "shared_key", "webhook_key", "session_key",
		// unchanged
		"client_secret", "x-api-key", "Authorization", "access_token", "password",
	}
	notSecret := []string{
		"cookieChallenge", "requested_token_use", "Postman-Token", "postman_token",
		"next_token", "nextPageToken", "page_token", "max_completion_tokens", "Access-Control-Allow-Credentials",
		"client_assertion_type", "auth", "x-auth-type", "base_url", "mongo_db_name", "access_key", "consumer_key", "token_usage",
	}
	for _, k := range secret {
		if !Name(k) {
			t.Errorf("Name(%q) = false, want true", k)
		}
	}
	for _, k := range notSecret {
		if Name(k) {
			t.Errorf("Name(%q) = true, want false", k)
		}
	}
}

// TestPlaceholders is the golden list of values that stand for a secret
// without being one (SPEC "strip, round 2" and issue 11), and look-alikes
// that are secrets.
func TestPlaceholders(t *testing.T) {
	placeholders := []string{
		"<your-api-key>", "<API_KEY>", "<Bearer Token>", "<API Key>", "<string>", "<token>",
		"${API_KEY}", "${env.TOKEN}", "$API_KEY", "#{ClientSecret}#", "%CLIENT_SECRET%", "[api key]", "[YOUR TOKEN]",
		"********", "***", "xxxxxxxx", "XXXXXXXXXXXX", "xxxx-xxxx-xxxx", "••••••",
		"YOUR_API_KEY", "your-api-key", "your_token_here", "YourSecret", "your api key",
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
		"your", "[unclosed", "Xx9", "EAAB",
	}
	for _, v := range placeholders {
		if !Placeholder(v) {
			t.Errorf("Placeholder(%q) = false, want true", v)
		}
	}
	for _, v := range secrets {
		if Placeholder(v) {
			t.Errorf("Placeholder(%q) = true, want false", v)
		}
	}
}
