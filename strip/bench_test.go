package strip

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/internal/bench/gen"
)

// bigCollection generates a tab-indented v2.1 collection of n requests in
// folders of 50, each with auth, headers, a query, a body and a saved
// example, about 2.5 KB per request; half the requests hold secrets.
func bigCollection(n int) []byte {
	var b strings.Builder
	b.WriteString("{\n\t\"info\": {\"name\": \"big\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n\t\"item\": [")
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			if i > 0 {
				b.WriteString("\n\t\t\t]\n\t\t},")
			}
			fmt.Fprintf(&b, "\n\t\t{\n\t\t\t\"name\": \"folder %d\",\n\t\t\t\"item\": [", i/50)
		} else {
			b.WriteString(",")
		}
		secret := "{{token}}"
		if i%2 == 0 {
			secret = fmt.Sprintf("fake-secret-%d", i)
		}
		req := fmt.Sprintf(`{
					"method": "POST",
					"auth": {"type": "bearer", "bearer": [{"key": "token", "value": %q, "type": "string"}]},
					"header": [
						{"key": "Accept", "value": "application/json", "type": "text"},
						{"key": "Authorization", "value": "Bearer %s", "type": "text"},
						{"key": "X-Request-Id", "value": "{{$guid}}", "type": "text"}
					],
					"body": {"mode": "urlencoded", "urlencoded": [
						{"key": "grant_type", "value": "client_credentials", "type": "text"},
						{"key": "client_secret", "value": %q, "type": "text"}
					]},
					"url": {
						"raw": "{{base_url}}/v1/things/%d?access_token=%s&page=2",
						"host": ["{{base_url}}"],
						"path": ["v1", "things", "%d"],
						"query": [{"key": "access_token", "value": %q}, {"key": "page", "value": "2"}]
					},
					"description": "Fetches thing %d. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
				}`, secret, secret, secret, i, secret, i, secret, i)
		fmt.Fprintf(&b, "\n\t\t\t\t{\n\t\t\t\t\t\"name\": \"request %d\",\n\t\t\t\t\t\"request\": %s,\n\t\t\t\t\t\"response\": [{\"name\": \"ok\", \"originalRequest\": %s, \"status\": \"OK\", \"code\": 200, \"body\": \"{\\\"id\\\": %d}\"}]\n\t\t\t\t}", i, req, req, i)
	}
	b.WriteString("\n\t\t\t]\n\t\t}\n\t]\n}\n")
	return []byte(b.String())
}

// BenchmarkScan measures Parse + Scan; compare BenchmarkParse for the cost
// of reading alone, and the sizes for linear growth (-benchmem).
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		data := bigCollection(n)
		b.Run(fmt.Sprintf("%dreq", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				doc, err := collection.Parse("big.json", data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Scan(doc, Options{Normalize: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data := bigCollection(4000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := collection.Parse("big.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigCollection: the generated file strips cleanly (so the benchmark
// measures real work) with the expected number of findings.
func TestBigCollection(t *testing.T) {
	data := bigCollection(200)
	res := checkStrip(t, "big.json", data, Options{})
	// Per secret request: auth, header, body, raw and query; twice (example).
	if want := 100 * 5 * 2; len(res.Findings) != want {
		t.Errorf("%d findings, want %d", len(res.Findings), want)
	}
}

// BenchmarkScanGenerated strips the collection make bench uses (scripts,
// raw bodies, descriptions and saved examples on every request: the free
// text strip reads for token shapes), 10,000 requests, about 15 MB.
func BenchmarkScanGenerated(b *testing.B) {
	data := gen.Collection(10000, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := collection.Parse("gen.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Scan(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFind: free text without secrets (most of it) costs a few
// strings.Index passes.
func BenchmarkFind(b *testing.B) {
	s := &scanner{names: map[nameRule]bool{}}
	text := strings.Repeat("Fetches the orders of a customer: pm.collectionVariables.set(\"last_id\", body.id); ünïcödé, 日本語. ", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.find(text, dataText)
	}
}
