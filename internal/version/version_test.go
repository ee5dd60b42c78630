package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuild(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const sha = "68c0c8cbead8bf14c230ed0355780e2cf3824a11"
	for _, c := range []struct {
		name                 string
		stamped, commit      string
		bi                   *debug.BuildInfo
		wantVersion, wantSHA string
	}{
		{"release build (make dist)", "1.2.3", sha, &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "1.2.3", sha},
		{"go install module@v1.2.3", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "1.2.3", "unknown"},
		{"go install module@<commit>: a pseudo-version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261204190955-68c0c8cbead8"}}, "0.1.1-0.20261204190955-68c0c8cbead8", "68c0c8cbead8"},
		{"go build in a checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261204190955-68c0c8cbead8+dirty"}, Settings: vcs(sha, "true")}, "0.1.1-0.20261204190955-68c0c8cbead8+dirty", sha + "-dirty"},
		{"go build -buildvcs=false, outside module mode", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0.1.0-devel", "unknown"},
		{"no build information", "", "", nil, "0.1.0-devel", "unknown"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := FromBuild(c.stamped, c.commit, c.bi)
			if got.Version != c.wantVersion || got.Commit != c.wantSHA || got.Go != runtime.Version() {
				t.Errorf("got %+v, want version %s commit %s", got, c.wantVersion, c.wantSHA)
			}
		})
	}
}

// A plain go build in a git repository (what `go install ./cmd/pmprep`
// and pre-commit's language: golang do) prints its commit. The repository
// is a snapshot of this working tree committed afresh: Go finds the commit
// only where .git is a directory (not in a git worktree), and the test must
// build the code as it is, not as last committed.
func TestGoBuildInRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds pmprep")
	}
	files, err := exec.Command("git", "-C", "../..", "ls-files", "-z", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Skip("not a git checkout:", err)
	}
	dir := t.TempDir()
	clone := filepath.Join(dir, "pmprep")
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			continue // deleted in the working tree
		}
		dst := filepath.Join(clone, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(dir, "none"),
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.test", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.test")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "snapshot")
	head := git("rev-parse", "HEAD")
	bin := filepath.Join(dir, "bin", "pmprep")
	// -buildvcs=true: Go's default (auto) in a clone, whatever GOFLAGS this
	// machine sets; -trimpath only lets the build reuse the build cache.
	build := exec.Command("go", "build", "-buildvcs=true", "-trimpath", "-o", bin, "./cmd/pmprep")
	build.Dir = clone
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("pmprep --version: %v\n%s", err, out)
	}
	want := "(commit " + head + ", " + runtime.Version()
	if !strings.HasPrefix(string(out), "pmprep 0.") || !strings.Contains(string(out), want) {
		t.Errorf("pmprep --version = %q, want a version and %q", out, want)
	}
}
