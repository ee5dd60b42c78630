package strip

import (
	"strings"
	"testing"
)

// TestSecretsInNameValues: a token pasted into the name of a collection,
// folder, request, saved example or environment (v2.1, v1, a dump, v3) is
// found, and only its bytes are cut: the rest of the name stays.
func TestSecretsInNameValues(t *testing.T) {
	const (
		gh  = "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB"
		jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
		sk  = "sk_live_51HfakeFAKEfake0123456789abcdEF"
	)
	const v21 = `"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"`
	for _, c := range []struct {
		file, in, want string
		kinds          []string
	}{
		{"c.postman_collection.json",
			`{"info": {"name": "GitHub API ` + gh + `", ` + v21 + `}, "item": [{"name": "folder https://deploy:Hunter2pass@example.com", "item": [` +
				`{"name": "call with Bearer ` + jwt + `", "request": {"url": "https://x"}, "response": [{"name": "ok ` + sk + `"}]}]}, ` +
				`{"name": "Get users (v2) 2024", "request": {"url": "https://x"}}]}`,
			`{"info": {"name": "GitHub API ", ` + v21 + `}, "item": [{"name": "folder https://deploy:@example.com", "item": [` +
				`{"name": "call with Bearer ", "request": {"url": "https://x"}, "response": [{"name": "ok "}]}]}, ` +
				`{"name": "Get users (v2) 2024", "request": {"url": "https://x"}}]}`,
			[]string{"info.name: API token in name", "item[0].name: URL password in name", "item[0].item[0].name: JWT in name", "item[0].item[0].response[0].name: API token in name"}},
		{"p.postman_environment.json", `{"id": "1", "name": "prod ` + sk + `", "values": []}`, `{"id": "1", "name": "prod ", "values": []}`,
			[]string{"name: API token in name"}},
		{"v1.json", `{"id": "c", "name": "v1 ` + gh + `", "order": [], "folders": [{"id": "f", "name": "f ` + sk + `"}], "requests": [{"id": "r", "name": "r ` + gh + `", "url": "https://x"}]}`,
			`{"id": "c", "name": "v1 ", "order": [], "folders": [{"id": "f", "name": "f "}], "requests": [{"id": "r", "name": "r ", "url": "https://x"}]}`,
			[]string{"name: API token in name", "folders[0].name: API token in name", "requests[0].name: API token in name"}},
	} {
		res := checkStrip(t, c.file, []byte(c.in), Options{})
		if string(res.Out) != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.file, res.Out, c.want)
		}
		var got []string
		for _, f := range res.Findings {
			got = append(got, f.Path+": "+f.Kind)
		}
		if strings.Join(got, "\n") != strings.Join(c.kinds, "\n") {
			t.Errorf("%s: findings\n%s\nwant\n%s", c.file, strings.Join(got, "\n"), strings.Join(c.kinds, "\n"))
		}
	}

	in := "$kind: http-request\nname: call with Bearer " + jwt + " now\nurl: https://x\n"
	res, err := ScanV3("a.request.yaml", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "$kind: http-request\nname: call with Bearer  now\nurl: https://x\n"; string(res.Out) != want || len(res.Findings) != 1 || res.Findings[0].Kind != "JWT in name" {
		t.Errorf("v3: %+v, got\n%s", res.Findings, res.Out)
	}
}
