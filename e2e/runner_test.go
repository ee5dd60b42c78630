//go:build unix

package e2e

// The second runner: the Postman CLI (npm @postman/pm-bin-linux-x64, pinned
// in testdata/e2e/package-lock.json beside newman). postmanCLI runs a
// collection the way newman(t, ...) does and returns the same NewmanResult
// (the CLI writes a newman-shaped JSON report with
// --reporter-json-structure newman), so a scenario is written once and run
// under both:
//
//	forEachRunner(t, func(t *testing.T, run Runner) {
//		srv := startServers(t, time.Minute)
//		r := run.Run(t, coll, "-e", env, "--env-var", "k=v")
//		mustPass(t, r)
//	})
//
// Each CLI run gets its own temporary HOME (and XDG directories, working
// directory): the CLI writes ~/.postman/postmanrc and a log there, and the
// test's cleanup removes them; nothing is left in the user's home. The CLI
// runs offline: no login (its "postman login" notices are not failures), no
// update check (POSTMAN_CLI_SKIP_UPDATE_CHECK=1), no run events sent
// (--no-report-events).

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// postmanCLIPackage and postmanCLIVersion name the pinned Postman CLI.
const (
	postmanCLIPackage = "@postman/pm-bin-linux-x64"
	postmanCLIVersion = "1.62.0"
)

// Runner is one collection runner the scenarios run under.
type Runner struct {
	Name string // "newman" or "postman-cli": the subtest name
	run  func(t testing.TB, o RunOptions, args ...string) NewmanResult
}

// Run runs a collection with newman-style arguments (absolute paths) and
// returns exit code, newman-shaped summary and output.
func (r Runner) Run(t testing.TB, args ...string) NewmanResult {
	t.Helper()
	return r.run(t, RunOptions{}, args...)
}

// RunWith is Run with o's environment and timeout.
func (r Runner) RunWith(t testing.TB, o RunOptions, args ...string) NewmanResult {
	t.Helper()
	return r.run(t, o, args...)
}

// runners lists every runner pmprep's script is proven under.
var runners = []Runner{
	{Name: "newman", run: newmanWith},
	{Name: "postman-cli", run: func(t testing.TB, o RunOptions, args ...string) NewmanResult {
		t.Helper()
		return postmanCLIIn(t, t.TempDir(), o, args...)
	}},
}

// forEachRunner runs body once per runner, as subtest t.Run(runner.Name).
// A body that starts servers gets its own per runner.
func forEachRunner(t *testing.T, body func(t *testing.T, run Runner)) {
	t.Helper()
	for _, rn := range runners {
		t.Run(rn.Name, func(t *testing.T) { body(t, rn) })
	}
}

var (
	pmcliOnce    sync.Once
	pmcliPath    string
	pmcliMissing string
)

// postmanCLIBin is the pinned CLI's executable in testdata/e2e/node_modules.
func postmanCLIBin(t testing.TB) string {
	return filepath.Join(e2eDir(t), "node_modules", filepath.FromSlash(postmanCLIPackage), "bin", "postman")
}

// requirePostmanCLI skips the test (or fails it in CI / with
// PMPREP_E2E_REQUIRED=1, as make test sets) when the pinned Postman CLI is
// not installed, saying how to install it.
func requirePostmanCLI(t testing.TB) string {
	t.Helper()
	requireE2EDeps(t)
	pmcliOnce.Do(func() {
		bin := postmanCLIBin(t)
		pkg := filepath.Join(filepath.Dir(filepath.Dir(bin)), "package.json")
		var meta struct {
			Version string `json:"version"`
		}
		data, err := os.ReadFile(pkg)
		switch {
		case err != nil:
			pmcliMissing = "testdata/e2e/node_modules/" + postmanCLIPackage + " is missing"
		case json.Unmarshal(data, &meta) != nil || meta.Version != postmanCLIVersion:
			pmcliMissing = fmt.Sprintf("%s is version %q, want %s (the lock file's)", postmanCLIPackage, meta.Version, postmanCLIVersion)
		default:
			if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
				pmcliMissing = "the Postman CLI executable " + bin + " is missing or not executable"
			} else {
				pmcliPath = bin
			}
		}
		if pmcliMissing != "" && (runtime.GOOS != "linux" || runtime.GOARCH != "amd64") {
			pmcliMissing += fmt.Sprintf(" (npm publishes %s for linux/amd64 only; this is %s/%s)", postmanCLIPackage, runtime.GOOS, runtime.GOARCH)
		}
	})
	if pmcliMissing == "" {
		return pmcliPath
	}
	msg := "Postman CLI " + postmanCLIVersion + " not installed: " + pmcliMissing +
		": run make e2e-deps (npm ci in testdata/e2e installs " + postmanCLIPackage + "@" + postmanCLIVersion + " from the committed lock file)"
	if e2eRequired() {
		t.Fatal(msg + " [CI or PMPREP_E2E_REQUIRED=1 is set, so this fails instead of skipping]")
	}
	t.Skip(msg)
	return ""
}

// postmanCLIArgs turns newman-style run arguments into the CLI's: --folder
// becomes -i; options the CLI lacks fail the test.
func postmanCLIArgs(t testing.TB, args []string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--reporters" || a == "-r" || strings.HasPrefix(a, "--reporters=") || strings.HasPrefix(a, "--reporter-"):
			t.Fatalf("postmanCLI helper: do not pass %s; the helper sets cli,json", a)
		case a == "--folder":
			out = append(out, "-i")
		case strings.HasPrefix(a, "--folder="):
			out = append(out, "-i", strings.TrimPrefix(a, "--folder="))
		case a == "--export-environment" || a == "--export-globals" || a == "--export-collection" ||
			a == "--color" || a == "--verbose" || a == "--working-dir":
			t.Fatalf("postmanCLI helper: %s has no Postman CLI equivalent here", a)
		default:
			out = append(out, a)
		}
	}
	return out
}

// postmanCLI runs `postman collection run ARGS... -r cli,json
// --reporter-json-export TMP --reporter-json-structure newman
// --disable-unicode --no-report-events` with the pinned CLI, HOME and the
// working directory a fresh temporary directory, bounded by newmanTimeout.
// Arguments are newman's (see postmanCLIArgs). A non-zero exit is returned,
// not failed on; a timeout fails the test.
func postmanCLI(t testing.TB, args ...string) NewmanResult {
	t.Helper()
	return postmanCLIIn(t, t.TempDir(), RunOptions{}, args...)
}

// postmanCLIIn is postmanCLI with HOME (and the working directory) home and
// o's environment and timeout.
func postmanCLIIn(t testing.TB, home string, o RunOptions, args ...string) NewmanResult {
	t.Helper()
	bin := requirePostmanCLI(t)
	report := filepath.Join(t.TempDir(), "postman-cli-report.json")
	full := append([]string{"collection", "run"}, postmanCLIArgs(t, args)...)
	full = append(full, "-r", "cli,json", "--reporter-json-export", report,
		"--reporter-json-structure", "newman", "--disable-unicode", "--no-report-events")
	return runnerProcess(t, runnerCommand{
		What:   "the Postman CLI",
		Bin:    bin,
		Args:   full,
		Dir:    home,
		Env:    mergeEnv(postmanCLIEnv(home), o.Env),
		Report: report,
	}, o.timeout())
}

// postmanCLIEnv is the process environment with HOME, XDG directories and
// the CLI's own switches pointed at home.
func postmanCLIEnv(home string) []string {
	var inherited []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "POSTMAN_API_KEY=") { // never log in
			inherited = append(inherited, kv)
		}
	}
	return mergeEnv(inherited, []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"POSTMAN_CLI_SKIP_UPDATE_CHECK=1",
		"NO_COLOR=1",
	})
}
