//go:build unix

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkNewmanScriptOverhead measures what the generated script costs
// per request in newman, against the same collection with no script and
// with an empty collection script, in one run (interleaved, medians of
// three). make bench runs it with -benchtime=1x.
func BenchmarkNewmanScriptOverhead(b *testing.B) { scriptOverhead(b, runners[0]) }

// BenchmarkPostmanCLIScriptOverhead is the same under the Postman CLI
// (its newman-shaped report carries the same run timings).
func BenchmarkPostmanCLIScriptOverhead(b *testing.B) { scriptOverhead(b, runners[1]) }

func scriptOverhead(b *testing.B, run Runner) {
	const n = 200
	srv := startServers(b, 300*time.Second)
	dir := b.TempDir()
	tok := postToken(b, srv.OIDCToken, url.Values{"grant_type": {"client_credentials"}},
		basicAuth(srv.Creds.BasicClientID, srv.Creds.BasicClientSecret))
	registerSecrets(tok.AccessToken)
	bearer := `{"type": "bearer", "bearer": [{"key": "token", "value": "{{static_token}}"}]}`
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	plain := write("plain.json", collectionJSON("plain", nil, item{name: "r", path: "/r", auth: bearer}))
	empty := write("empty.json", collectionJSON("empty", []string{""}, item{name: "r", path: "/r", auth: bearer}))
	pmprepColl := injected(b, dir, collectionJSON("pmprep", nil, item{name: "r", path: "/r"}))
	e := env(b, dir, "bench", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	runs := map[string][]float64{}
	names := []string{"no script", "empty script", "pmprep script"}
	colls := []string{plain, empty, pmprepColl}
	for i := 0; i < b.N; i++ {
		for rep := 0; rep < 3; rep++ {
			for j, c := range colls {
				srv.ResetStats(b)
				r := run.Run(b, c, "-e", e, "-n", "200", "--env-var", "static_token="+tok.AccessToken,
					"--env-var", "client_secret="+srv.Creds.BasicClientSecret)
				if r.ExitCode != 0 {
					r.Log(b)
					b.Fatalf("%s: %s exit %d", names[j], run.Name, r.ExitCode)
				}
				if st := srv.Stats(b); st.API.OK != n {
					b.Fatalf("%s: %d API requests succeeded, want %d", names[j], st.API.OK, n)
				}
				// the runner's own timing of the run, without its start-up.
				t := r.Summary.Run.Timings
				runs[names[j]] = append(runs[names[j]], (t["completed"]-t["started"])/n)
			}
		}
	}
	med := func(v []float64) float64 { sort.Float64s(v); return v[len(v)/2] }
	base, emptyMs, ours := med(runs[names[0]]), med(runs[names[1]]), med(runs[names[2]])
	b.ReportMetric(base, "ms/req-no-script")
	b.ReportMetric(emptyMs-base, "ms/req-empty-script-overhead")
	b.ReportMetric(ours-base, "ms/req-pmprep-overhead")
	var sb strings.Builder
	sb.WriteString(run.Name + ", 200 requests per run, median of 3 interleaved runs, per request:\n")
	sb.WriteString("  no script       " + ms(base) + "\n")
	sb.WriteString("  empty script    " + ms(emptyMs) + "  (+" + ms(emptyMs-base) + ")\n")
	sb.WriteString("  pmprep script   " + ms(ours) + "  (+" + ms(ours-base) + "; " + ratio(ours-base, emptyMs-base) + " of the empty script's overhead)\n")
	b.Log(sb.String())
}

func ms(v float64) string {
	return strings.TrimRight(strings.TrimRight(time.Duration(v*float64(time.Millisecond)).Round(10*time.Microsecond).String(), "0"), ".")
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64) + "×"
}
