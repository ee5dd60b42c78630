package strip

import (
	"strings"
	"testing"
)

// TestV3SecretNames: in v3 YAML, as in v2.1, a key that holds a secret is
// reported as a secret in a name (not blanked), and no path, kind or key
// prints it: map keys are path segments there.
func TestV3SecretNames(t *testing.T) {
	const sk = "sk_live_51HfakeFAKEfake0123456789abcdEF"
	secrets := []string{"51HfakeFAKE", "abcdefghij1234567890", "Z7Q3EXAMPLF2", "1234567890abcdefghij", "Sup3rPass"}
	for _, c := range []struct {
		name, in string
		inNames  int
		blanked  int
	}{
		{"r.request.yaml", "$kind: http-request\nurl: https://h/\nheaders:\n" +
			"  \"Authorization: Bearer abcdefghij1234567890\": x\n  X-Api-Key " + sk + ": v\n  X-Api-Key: plain-key\n" +
			"queryParams:\n  " + sk + ": '1'\npathVariables:\n  - key: https://u:Sup3rPass@h\n    value: p\n", 4, 4},
		{"definition.yaml", "$kind: collection\nvariables:\n  ghp_1234567890abcdefghijklmnopqrstuvwxyzAB: v\n  password: p\n", 1, 1},
		{"e.environment.yaml", "name: e\nvalues:\n  - key: AKIAZ7Q3EXAMPLF2ZZZZ\n    value: v\n", 1, 0},
	} {
		res, err := ScanV3(c.name, []byte(c.in), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		inNames := 0
		for _, f := range res.Findings {
			t.Logf("%s:%d:%d: %s: %s", c.name, f.Pos.Line, f.Pos.Col, f.Path, f.Kind)
			for _, s := range secrets {
				if strings.Contains(f.Path, s) || strings.Contains(f.Kind, s) || strings.Contains(f.Key, s) {
					t.Errorf("%s: finding %s: %s (key %q) prints a secret held in a name", c.name, f.Path, f.Kind, f.Key)
				}
			}
			if f.InName {
				inNames++
			}
		}
		if inNames != c.inNames || len(res.Findings)-inNames != c.blanked {
			t.Errorf("%s: %d secrets in names and %d blanked, want %d and %d", c.name, inNames, len(res.Findings)-inNames, c.inNames, c.blanked)
		}
	}
}
