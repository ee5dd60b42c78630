package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const repoRoot = "../.."

// TestReproducibleArchive builds the linux/amd64 archive twice, from this
// checkout and from a copy of its sources in another directory with an
// empty build cache (so nothing is reused: -trimpath leaves the directory
// out of the cache keys, and a shared cache would hand the second build
// the first one's objects): the bytes are the same, SHA256SUMS passes the check docs/install.md shows,
// the archive's entries are fixed (order, owner, modes, time), no build
// path is in the binary, and the binary's --version names the version
// and the commit.
func TestReproducibleArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds pmprep")
	}
	commit, err := headCommit(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	copyDir := filepath.Join(t.TempDir(), "elsewhere", "pmprep")
	copySources(t, repoRoot, copyDir)

	build := func(dir string, env ...string) (string, []string) {
		out := t.TempDir()
		start := time.Now()
		names, err := Build(Options{Dir: dir, Out: out, Version: "9.8.7-test", Commit: commit, Time: when,
			Platforms: []string{"linux/amd64"}, Extra: []string{"README.md"}, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("built %v from %s in %v", names, dir, time.Since(start).Round(time.Millisecond))
		return out, names
	}
	out1, names := build(repoRoot)
	out2, names2 := build(copyDir, "GOCACHE="+t.TempDir())
	if strings.Join(names, " ") != "pmprep_9.8.7-test_linux_amd64.tar.gz" || strings.Join(names2, " ") != strings.Join(names, " ") {
		t.Fatalf("archives %v and %v", names, names2)
	}
	for _, f := range append(names, "SHA256SUMS") {
		a, b := readFile(t, filepath.Join(out1, f)), readFile(t, filepath.Join(out2, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the two builds (%d and %d bytes)", f, len(a), len(b))
		}
	}

	// The check docs/install.md tells users to run.
	verify := docCommand(t, "cd build/dist && ")
	if out, err := exec.Command("bash", "-c", "cd "+out1+" && "+verify).CombinedOutput(); err != nil || !strings.Contains(string(out), names[0]+": OK") {
		t.Errorf("%s: %v\n%s", verify, err, out)
	}

	entries, bin := readTar(t, filepath.Join(out1, names[0]))
	wantNames := []string{"pmprep_9.8.7-test_linux_amd64/", "pmprep_9.8.7-test_linux_amd64/README.md", "pmprep_9.8.7-test_linux_amd64/pmprep"}
	for i, h := range entries {
		if i >= len(wantNames) || h.Name != wantNames[i] {
			t.Errorf("entry %d is %s, want the order %v", i, h.Name, wantNames)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(when) {
			t.Errorf("%s: owner %d:%d (%q:%q), time %v; want 0:0, no names, %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime, when)
		}
	}
	if len(entries) == 3 && (entries[2].Mode != 0o755 || entries[1].Mode != 0o644) {
		t.Errorf("modes %o and %o, want 755 for pmprep and 644 for README.md", entries[2].Mode, entries[1].Mode)
	}
	abs, _ := filepath.Abs(repoRoot)
	for _, p := range []string{abs, copyDir, goEnv(t, "GOMODCACHE"), goEnv(t, "GOROOT")} {
		if bytes.Contains(bin, []byte(p)) {
			t.Errorf("the binary holds the build path %s", p)
		}
	}

	if runtime.GOOS+"/"+runtime.GOARCH != "linux/amd64" {
		t.Skipf("cannot run the linux/amd64 binary on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	exe := filepath.Join(t.TempDir(), "pmprep")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "--version").Output()
	want := "pmprep 9.8.7-test (commit " + commit + ", " + runtime.Version() + ", linux/amd64)\n"
	if err != nil || string(out) != want {
		t.Errorf("--version: %v: %q, want %q", err, out, want)
	}
}

// TestZipIsReproducible: the Windows archive's bytes depend only on the
// files and the time: not on their order, the clock or the host.
func TestZipIsReproducible(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	files := []file{{name: "pmprep.exe", data: []byte("MZ binary"), mode: 0o755}, {name: "README.md", data: []byte("# pmprep\n"), mode: 0o644}}
	a, err := zipArchive("pmprep_1_windows_amd64", files, when)
	if err != nil {
		t.Fatal(err)
	}
	b, err := zipArchive("pmprep_1_windows_amd64", []file{files[1], files[0]}, when.In(time.FixedZone("x", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same files in another order or time zone give other bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name+" "+f.Mode().String())
		if !f.Modified.Equal(when) {
			t.Errorf("%s dated %v, want %v", f.Name, f.Modified, when)
		}
	}
	want := "pmprep_1_windows_amd64/ drwxr-xr-x,pmprep_1_windows_amd64/README.md -rw-r--r--,pmprep_1_windows_amd64/pmprep.exe -rwxr-xr-x"
	if strings.Join(got, ",") != want {
		t.Errorf("entries %q, want %q", strings.Join(got, ","), want)
	}
}

func TestBuildRefuses(t *testing.T) {
	out := t.TempDir()
	for _, o := range []Options{
		{Version: "1.0; rm -rf /", Commit: "abc"},
		{Version: "", Commit: "abc"},
		{Version: "1.0.0", Commit: "-X main.x=y"},
		{Version: "1.0.0", Commit: "abc", Platforms: []string{"linux"}},
	} {
		o.Dir, o.Out = repoRoot, out
		if _, err := Build(o); err == nil {
			t.Errorf("%+v: accepted", o)
		}
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Errorf("a refused build left %d files", len(left))
	}
}

// docCommand is the rest of the docs/install.md line starting with prefix.
func docCommand(t *testing.T, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(string(readFile(t, filepath.Join(repoRoot, "docs", "install.md"))), "\n") {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			cmd, _, _ := strings.Cut(rest, "   #")
			return strings.TrimSpace(cmd)
		}
	}
	t.Fatalf("docs/install.md has no line starting %q", prefix)
	return ""
}

// readTar returns a tar.gz's headers, in order, and its pmprep binary.
func readTar(t *testing.T, name string) ([]*tar.Header, []byte) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header holds a name %q or a time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var hs []*tar.Header
	var bin []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
		if strings.HasSuffix(h.Name, "/pmprep") {
			if bin, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	return hs, bin
}

// copySources copies what the build reads (go.mod, go.sum, the Go
// sources and embedded templates, README.md), leaving out git data and
// test data.
func copySources(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "bin", "build":
				if p != src {
					return filepath.SkipDir
				}
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(p, "_test.go") || d.Name() == ".git" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestStamps: the commit is HEAD's, "-dirty" when a tracked file changed
// (an untracked one changes nothing); entries are dated by the commit, or
// by SOURCE_DATE_EPOCH when set.
func TestStamps(t *testing.T) {
	dir := t.TempDir()
	gitIn := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.test", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.test",
			"GIT_COMMITTER_DATE=2026-01-02T03:04:05Z")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	if _, err := headCommit(dir); err == nil || !strings.Contains(err.Error(), "give -commit") {
		t.Errorf("outside a checkout: %v", err)
	}
	gitIn("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn("add", "-A")
	gitIn("commit", "-q", "-m", "a")
	head := gitIn("rev-parse", "HEAD")
	check := func(want string) {
		t.Helper()
		if got, err := headCommit(dir); err != nil || got != want {
			t.Errorf("headCommit: %q, %v; want %q", got, err, want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "untracked.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	check(head)
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check(head + "-dirty")

	t.Setenv("SOURCE_DATE_EPOCH", "")
	if got, err := sourceTime(dir); err != nil || !got.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("commit time: %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if got, err := sourceTime(dir); err != nil || got.Unix() != 1700000000 {
		t.Errorf("SOURCE_DATE_EPOCH: %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if _, err := sourceTime(dir); err == nil || !strings.Contains(err.Error(), "want seconds since 1970") {
		t.Errorf("a bad SOURCE_DATE_EPOCH: %v", err)
	}
}
