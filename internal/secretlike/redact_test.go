package secretlike

import (
	"strings"
	"testing"
)

// TestInName: every shape strip finds in values is found in a name too,
// and ordinary long names are not secrets.
func TestInName(t *testing.T) {
	secret := []string{
		"ghp_1234567890abcdefghijklmnopqrstuvwxyzAB",
		"AKIAZ7Q3EXAMPLF2ZZZZ",
		"password_sk_live_51HfakeFAKEfake0123456789abcdEF", // glued behind a word
		"prefix_sk_live_51HfakeFAKEfake0123456789abcdEF",
		"Authorization: Bearer abcdefghij1234567890",
		"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"Authorization Basic dXNlcjpwYXNzd29yZA==",
		"https://u:Sup3rPass@h",
		"postgres://app:hunter2@db.internal:5432/app",
		"X-Api-Key 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		"X-Auth-Token: Rd7Rd7Rd7Rd7Rd7Rd7Rd71234",
		"Server=db;User Id=sa;Password=S3cretPart2;",
		"key_9f8e7d6c5b4a39281706f5e4d3c2b1a0ffee", // 40 hex digits
		"sess_Zk3qP9xWm2LrT8vYb4NcJ7hD",            // random base62
		"-----BEGIN RSA PRIVATE KEY-----",
	}
	plain := []string{
		"", "password", "client_secret", "Authorization", "X-Api-Key", "Ocp-Apim-Subscription-Key",
		"Accept-Encoding-Preference", "a_long_but_plain_name_here", "sha256WithRSAEncryption2048",
		"customerAddressLine2PostalCode", "oauth2ClientCredentialsGrant", "X-Request-Id-2024-01-01",
		"Bearer tokens are described here", "Basic auth for the admin API", "Bearer YOUR_TOKEN_HERE_PLEASE",
		"https://api.example.com/v1/users", "mailto:someone@example.com", "{{baseUrl}}/api/v2/items",
		"https://{{user}}:{{password}}@host", "Password=;Server=x", "test20240101", "AKIAIOSFODNN7EXAMPLE",
		"userId1234", "iPhone15ProMaxScreenSize", "Content-Security-Policy-Report-Only",
	}
	for _, n := range secret {
		if !InName(n) {
			t.Errorf("InName(%q) = false, want true", n)
		}
		shown := ShowName(n)
		if !strings.HasSuffix(shown, "…[redacted]") || len(shown) > 32+len(" …[redacted]") {
			t.Errorf("ShowName(%q) = %q, want a short head and …[redacted]", n, shown)
		}
		// No 8 bytes of the name after its first word reach the report.
		rest := n[min(len(n), strings.IndexAny(n+" ", " :")+1):]
		for i := 0; i+8 <= len(rest); i++ {
			if strings.Contains(shown, rest[i:i+8]) {
				t.Errorf("ShowName(%q) = %q shows %q", n, shown, rest[i:i+8])
			}
		}
	}
	for _, n := range plain {
		if InName(n) {
			t.Errorf("InName(%q) = true, want false", n)
		}
		if got := ShowName(n); got != n {
			t.Errorf("ShowName(%q) = %q, want it unchanged", n, got)
		}
	}
}
