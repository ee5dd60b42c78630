package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzInjectCLI runs the whole inject path — reading, zero-config from
// whatever oauth2 block the input has, the real rendered script, the
// edit, the summary — on fuzzed collections: it exits 0 with valid JSON
// on stdout, or 2 with one line on stderr, never panics; and a second run
// on its output changes nothing. (collection.FuzzInject checks the bytes
// outside the edits.)
func FuzzInjectCLI(f *testing.F) {
	seeds, _ := filepath.Glob("../../collection/testdata/inject/*.postman_collection.json")
	corpus, _ := filepath.Glob("../../../shared/corpus/*.json")
	for _, c := range corpus {
		if fi, err := os.Stat(c); err == nil && fi.Size() < 16<<10 {
			seeds = append(seeds, c)
		}
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"info": {"name": "z"}, "item": [{"name": "f", "item": [{"name": "r", "request": {"url": "u", "auth": {"type": "oauth2", "oauth2": [{"key": "accessTokenUrl", "value": "https://a/t"}, {"key": "grant_type", "value": "password_credentials"}, {"key": "clientSecret", "value": "s3cret"}, {"key": "tokenRequestParams", "value": "[{\"key\":\"audience\",\"value\":\"api\",\"enabled\":true}]"}]}}}], "auth": {"type": "apikey"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 256<<10 {
			return
		}
		out, stderr, code := runInject(data)
		switch code {
		case exitBad:
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "pmprep: inject: -") {
				t.Fatalf("exit 2 wants one line naming the input, got %q", stderr)
			}
			if out != "" {
				t.Fatalf("output written on error: %.80q", out)
			}
			return
		case exitOK:
		default:
			t.Fatalf("exit %d: %s", code, stderr)
		}
		body := bytes.TrimPrefix([]byte(out), []byte("\xef\xbb\xbf"))
		if !json.Valid(body) {
			t.Fatalf("output is not valid JSON:\n%s", out)
		}
		again, stderr2, code := runInject([]byte(out))
		if code != exitOK || again != out {
			t.Fatalf("second run (exit %d) changed the output:\nfirst:  %q\nsecond: %q\n%s", code, out, again, stderr2)
		}
		if !strings.Contains(stderr2, "nothing changed") {
			t.Fatalf("second run does not say nothing changed:\n%s", stderr2)
		}
	})
}

func runInject(data []byte) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run([]string{"pmprep", "inject", "-"}, bytes.NewReader(data), &out, &errb)
	return out.String(), errb.String(), code
}
