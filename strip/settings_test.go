package strip

import (
	"strings"
	"testing"
)

// TestSettingsNotSecrets: values under secret-looking names that are
// settings about the secret stay — a header's name under *_header, an AWS
// ARN, a hash algorithm — while a real credential under the same names is
// still blanked, and a variable typed secret is blanked whatever it holds.
func TestSettingsNotSecrets(t *testing.T) {
	kept := map[string]string{
		"apiKeyHeader":       "X-API-Key",
		"api_key_header":     "X-API-Key",
		"token_header":       "Authorization",
		"auth_header":        "Ocp-Apim-Subscription-Key",
		"secret_arn":         "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
		"secretsManagerArn":  "arn:aws:secretsmanager:us-east-1:123:secret:x",
		"client_secret":      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:client-Xy12Ab",
		"password_hash_algo": "bcrypt",
	}
	blanked := map[string]string{
		"api_key_header": "k3y-v4lue-9f8e7d6c5b4a", // a key, not a header name (digits lead its parts)
		"token_header":   "Bearer abcdef0123456789abcdef",
		"auth_header":    "Basic dXNlcjpwYXNzd29yZA==",
		"apiKey":         "X-API-Key-Value-Not-Under-A-Header-Name",
		"secret_key":     "arn-looking-but-not-arn:aws",
	}
	var b strings.Builder
	b.WriteString(`{"id": "e", "name": "e", "values": [`)
	add := func(k, v, typ string) {
		if b.Len() > 40 {
			b.WriteString(", ")
		}
		b.WriteString(`{"key": "` + k + `", "value": "` + v + `", "type": "` + typ + `"}`)
	}
	for k, v := range kept {
		add(k, v, "default")
	}
	for k, v := range blanked {
		add("x_"+k, v, "default") // distinct keys: x_api_key_header reads as api_key_header
	}
	add("typed", "arn:aws:secretsmanager:us-east-1:123:secret:x", "secret")
	b.WriteString(`]}`)
	res := checkStrip(t, "e.postman_environment.json", []byte(b.String()), Options{})
	found := map[string]bool{}
	for _, f := range res.Findings {
		found[f.Key] = true
	}
	for k := range kept {
		if found[k] {
			t.Errorf("%s = %q was blanked: a setting, not a secret", k, kept[k])
		}
	}
	for k := range blanked {
		if !found["x_"+k] {
			t.Errorf("x_%s = %q was kept: a secret", k, blanked[k])
		}
	}
	if !found["typed"] {
		t.Error("a variable typed secret was kept")
	}
}

// TestReviewMisses: the header names, the glued token and the key after
// "YOUR_" an independent review found strip passing are blanked.
func TestReviewMisses(t *testing.T) {
	const v21 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`
	in := `{` + v21 + `, "item": [{"request": {"url": "https://h/", "header": [` +
		`{"key": "DD-APPLICATION-KEY", "value": "f00dfeed"}, {"key": "X-Application-Key", "value": "k1"}, ` +
		`{"key": "client_key", "value": "k2"}, {"key": "merchantKey", "value": "k3"}, {"key": "X-Signature", "value": "s1"}, ` +
		`{"key": "X-Note", "value": "prefix_sk_live_51HfakeFAKEfake0123456789abcdEF"}]}}], ` +
		`"variable": [{"key": "api_key", "value": "YOUR_8f9a0b1c2d3e4f5a6b7c"}, {"key": "api_key2", "value": "YOUR_API_KEY"}]}`
	res := checkStrip(t, "t.json", []byte(in), Options{})
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Path+": "+f.Kind)
	}
	want := []string{
		"item[0].request.header[0].value: DD-APPLICATION-KEY header",
		"item[0].request.header[1].value: X-Application-Key header",
		"item[0].request.header[2].value: client_key header",
		"item[0].request.header[3].value: merchantKey header",
		"item[0].request.header[4].value: X-Signature header",
		"item[0].request.header[5].value: X-Note header (API token)",
		"variable[0].value: variable api_key",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
