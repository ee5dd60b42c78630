package collectionv3

import (
	"testing"

	"github.com/pmprep/pmprep/collection"
)

var envVars = []collection.EnvVar{
	{Key: "token_url", Value: "https://auth.example.test/token"},
	{Key: "client_secret", Secret: true},
}

func TestNewEnvironmentV3(t *testing.T) {
	got := string(NewEnvironment("dev", envVars))
	want := `name: "dev"
values:
  - key: "token_url"
    value: "https://auth.example.test/token"
    enabled: true
  - key: "client_secret"
    value: ""
    type: secret
    enabled: true
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(NewEnvironment("e", nil)); got != "name: \"e\"\nvalues: []\n" {
		t.Errorf("empty: %q", got)
	}
}

// UpdateEnvironment changes the managed values in place, appends the
// missing ones in the file's style, keeps everything else, and is
// idempotent.
func TestUpdateEnvironmentV3(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"update and append",
			"name: dev # mine\nvalues:\n  - key: token_url\n    value: http://old # was local\n    enabled: true\n  - key: mine\n    value: keep\n",
			"name: dev # mine\nvalues:\n  - key: token_url\n    value: \"https://auth.example.test/token\" # was local\n    enabled: true\n  - key: mine\n    value: keep\n  - key: \"client_secret\"\n    value: \"\"\n    type: secret\n    enabled: true\n"},
		{"as postman environment new writes it",
			"name: dev\nvalues: []\n",
			"name: dev\nvalues:\n  - key: \"token_url\"\n    value: \"https://auth.example.test/token\"\n    enabled: true\n  - key: \"client_secret\"\n    value: \"\"\n    type: secret\n    enabled: true\n"},
		{"crlf, a filled secret kept, zero-indented list",
			"name: dev\r\nvalues:\r\n- key: client_secret\r\n  value: filled-by-hand\r\n  type: secret\r\n",
			"name: dev\r\nvalues:\r\n- key: client_secret\r\n  value: filled-by-hand\r\n  type: secret\r\n- key: \"token_url\"\r\n  value: \"https://auth.example.test/token\"\r\n  enabled: true\r\n"},
		{"no values", "name: dev\n", "name: dev\nvalues:\n  - key: \"token_url\"\n    value: \"https://auth.example.test/token\"\n    enabled: true\n  - key: \"client_secret\"\n    value: \"\"\n    type: secret\n    enabled: true\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UpdateEnvironment("dev.environment.yaml", []byte(tc.in), envVars)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			again, err := UpdateEnvironment("dev.environment.yaml", got, envVars)
			if err != nil || string(again) != string(got) {
				t.Errorf("not idempotent: %v\n%q", err, again)
			}
		})
	}
}
