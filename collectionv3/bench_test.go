package collectionv3

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchDir writes a v3 collection of n requests in folders of 100, shaped
// like the corpus' migrated files (headers, auth, a body, a script).
func benchDir(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write(".resources/definition.yaml", "$kind: collection\nname: bench\nvariables:\n  base: http://127.0.0.1:9\n")
	for i := range n {
		f := fmt.Sprintf("f%03d", i/100)
		if i%100 == 0 {
			write(f+"/.resources/definition.yaml", fmt.Sprintf("$kind: collection\norder: %d\n", i))
		}
		write(fmt.Sprintf("%s/r%05d.request.yaml", f, i), fmt.Sprintf(`$kind: http-request
url: "{{base}}/items/%d?page=2"
method: POST
headers:
  Accept: application/json
  Content-Type: application/json
auth:
  type: bearer
  credentials:
    token: "{{token}}"
body:
  type: json
  content: |-
    {"id": %d, "name": "item"}
scripts:
  - type: afterResponse
    code: pm.test("ok", () => pm.response.to.have.status(200));
    language: text/javascript
order: %d
`, i, i, i*1000))
	}
	return dir
}

// BenchmarkConvert10k: read and convert a 10,000-request directory.
func BenchmarkConvert10k(b *testing.B) {
	dir := benchDir(b, 10000)
	b.ResetTimer()
	for b.Loop() {
		c, err := Read(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Convert(c); err != nil {
			b.Fatal(err)
		}
	}
}
