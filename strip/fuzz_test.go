package strip

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pmprep/pmprep/collection"
)

// FuzzScan: whatever parses strips without panic into the same kind of
// file, changing only the bytes its findings name, and a second strip
// finds nothing (checkStrip). go test ./strip -fuzz FuzzScan
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"values": [{"key": "token", "value": "a\"b\\c\u00e9\ud83d\ude00"}]}`,
		`{"info": {}, "item": [{"request": "https://h/?token=x\u0026key=\u0079#a"}]}`,
		`{"info": {}, "item": [{"request": {"header": "Authorization:x\n:\n\nCookie:   ", "url": {"raw": "?=&=&token=&&token=x"}}}]}`,
		`[{"key": "password", "value": 1e3}]`,
		`{"info": {}, "event": [{"script": {"exec": ["a = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2ln'", "-----BEGIN PRIVATE KEY-----", "QUJDREVGR0hJSktMTU5PUA==", "-----END PRIVATE KEY-----"]}}], "item": [{"request": {"body": {"raw": "a=1\u0026password=x"}}, "response": [{"header": [{"key": "Set-Cookie", "value": "s"}], "body": "{\"access_token\": \"\u0074\\\"x\", \"b\": {{v}}}"}]}]}`,
		`{"info": {}, "variable": [{"key": "u", "value": "https://a:b@h/?x=1#access_token=t&s=1 AccountKey=k;Password=p; AKIAQ3EGUMBVLN3XXQ4P Fk5dFk5dFk5dFk5dFk5dFk5dFk5dFk5dFk5dFk5d"}], "item": [{"request": {"url": {"raw": "https://u:p@h/:id#id_token=x", "variable": [{"key": "id", "value": "glpat-aaaaaaaaaaaaaaaaaaaaaaa"}]}, "body": {"raw": "{\"credentials\": [{\"type\": \"password\", \"value\": \"p\"}]}"}}}]}`,
		`{"version": 1, "collections": [{"requests": [{"url": "https://h/?token=t", "headers": "Authorization: x", "helperAttributes": {"password": "p"}, "rawModeData": "{\"secret\": \"s\"}"}]}], "globals": [{"key": "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "value": "v"}]}`,
		`{"info": {"description": "Bearer abcdefgh12345678 Basic dXNlcjpwYXNz ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "item": []}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		if _, err := collection.ParseLegacy("fuzz.json", data); err != nil {
			return
		}
		checkStrip(t, "fuzz.json", data, Options{})
		checkStrip(t, "fuzz.json", data, Options{Normalize: true, Allow: []string{"item[0]", "password"}})
	})
}
