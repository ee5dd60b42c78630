package strip

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Secrets planted by the pre-commit tests; they must never be printed.
var hookSecrets = []string{"pmprep-e2e-fake-bearer-1", "pmprep-e2e-fake-header-2", "pmprep-e2e-fake-env-3", "pmprep-e2e-fake-query-4", "pmprep-e2e-fake-v3-5"}

// hookRequestV3 is a collection format v3 request (Postman 12's YAML)
// with a bearer token: the hooks match v3 files too.
const hookRequestV3 = "$kind: http-request\nurl: https://api.example.test/me\nmethod: GET\nauth:\n  type: bearer\n  credentials:\n    token: pmprep-e2e-fake-v3-5\n"

const hookCollection = `{
	"info": {"name": "hooked", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [
		{
			"name": "me",
			"request": {
				"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "pmprep-e2e-fake-bearer-1", "type": "string"}]},
				"header": [{"key": "Authorization", "value": "Bearer pmprep-e2e-fake-header-2"}],
				"url": {"raw": "https://api.example.test/me?access_token=pmprep-e2e-fake-query-4"}
			}
		}
	]
}
`

const hookEnvironment = `{
	"id": "5d1c",
	"name": "dev",
	"values": [
		{"key": "base_url", "value": "https://api.example.test", "type": "default", "enabled": true},
		{"key": "client_secret", "value": "pmprep-e2e-fake-env-3", "type": "secret", "enabled": true}
	],
	"_postman_variable_scope": "environment"
}
`

// Not a Postman file name: the hooks' filter keeps pmprep away from it.
const hookOther = `{"password": "not-for-pmprep"}` + "\n"

// TestPreCommitFramework runs `git commit` through the real pre-commit
// framework with this repository's .pre-commit-hooks.yaml: pre-commit clones
// a snapshot of this working tree and builds pmprep itself (language:
// golang), exactly as a user's `repo:` entry would.
func TestPreCommitFramework(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: pre-commit clones and builds pmprep")
	}
	h := newHookEnv(t)
	t.Run("pmprep-strip", func(t *testing.T) { testStripHook(t, h, "pmprep-strip") })
	t.Run("pmprep-check", func(t *testing.T) { testCheckHook(t, h, "pmprep-check") })
}

// TestPreCommitSystemHooks runs the language: system flavours through the
// real pre-commit framework with a prebuilt pmprep on PATH and no usable
// Go: what a machine with pmprep installed from a release archive has.
func TestPreCommitSystemHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds pmprep and runs pre-commit")
	}
	h := newHookEnv(t)
	bin := filepath.Join(h.dir, "bin")
	h.must(t, "..", "go", "build", "-o", filepath.Join(bin, "pmprep"), "./cmd/pmprep")
	// First on PATH: pmprep, and a go that fails and leaves a mark, so
	// any use of Go by the hooks shows.
	mark := filepath.Join(h.dir, "go-was-run")
	stub := "#!/bin/sh\necho \"$0 $*\" >> '" + mark + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, kv := range h.env {
		if strings.HasPrefix(kv, "PATH=") {
			h.env[i] = "PATH=" + bin + string(os.PathListSeparator) + kv[len("PATH="):]
		}
	}
	t.Cleanup(func() {
		if data, err := os.ReadFile(mark); err == nil {
			t.Errorf("the system hooks ran go: %s", data)
		}
	})
	t.Run("pmprep-strip-system", func(t *testing.T) { testStripHook(t, h, "pmprep-strip-system") })
	t.Run("pmprep-check-system", func(t *testing.T) { testCheckHook(t, h, "pmprep-check-system") })
}

// testStripHook: the hook refuses a commit with secrets, strips the
// files, leaves others alone, and lets the stripped commit through.
func testStripHook(t *testing.T, h *hookEnv, hook string) {
	work := h.repo(t, hook)
	out, err := h.run(work, "git", "commit", "-m", "add api")
	if err == nil {
		t.Fatalf("the commit with secrets was accepted:\n%s", redact(out))
	}
	for _, want := range []string{
		"api.postman_collection.json:7:",
		": item[0].request.auth.bearer[0].value: bearer token",
		": item[0].request.header[0].value: Authorization header",
		": item[0].request.url.raw: query parameter access_token",
		"dev.postman_environment.json:6:",
		": values[1].value: secret variable client_secret",
		"api/Me.request.yaml:7:12: auth.credentials.token: bearer token",
		"pmprep strip: 5 secrets stripped in 3 files",
		"files were modified by this hook",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("hook output lacks %q:\n%s", want, redact(out))
		}
	}
	if _, err := h.run(work, "git", "rev-parse", "--verify", "HEAD"); err == nil {
		t.Error("a commit was made")
	}
	for _, f := range []string{"api.postman_collection.json", "dev.postman_environment.json", "api/Me.request.yaml"} {
		if data := read(t, filepath.Join(work, f)); containsSecret(string(data)) {
			t.Errorf("%s still holds a planted secret after the hook", f)
		}
	}
	if got := string(read(t, filepath.Join(work, "notes.json"))); got != hookOther {
		t.Error("notes.json (not a Postman file name) was changed")
	}

	h.must(t, work, "git", "add", "-A")
	out, err = h.run(work, "git", "commit", "-m", "add api, stripped")
	if err != nil {
		t.Fatalf("the stripped commit was refused: %v\n%s", err, redact(out))
	}
	if !strings.Contains(out, "Passed") {
		t.Errorf("hook did not report Passed:\n%s", redact(out))
	}
	for _, f := range []string{"api.postman_collection.json", "dev.postman_environment.json", "api/Me.request.yaml"} {
		if committed := h.must(t, work, "git", "show", "HEAD:"+f); containsSecret(committed) {
			t.Errorf("committed %s holds a planted secret", f)
		}
	}
}

// testCheckHook: the hook refuses a commit with secrets and changes
// nothing.
func testCheckHook(t *testing.T, h *hookEnv, hook string) {
	work := h.repo(t, hook)
	out, err := h.run(work, "git", "commit", "-m", "add api")
	if err == nil {
		t.Fatalf("the commit with secrets was accepted:\n%s", redact(out))
	}
	if !strings.Contains(out, "pmprep strip: 5 secrets found in 3 files (--check: nothing written)") ||
		!strings.Contains(out, "api/Me.request.yaml:7:12: auth.credentials.token: bearer token") {
		t.Errorf("hook output lacks the v3 finding or the count line:\n%s", redact(out))
	}
	if got := string(read(t, filepath.Join(work, "api/Me.request.yaml"))); got != hookRequestV3 {
		t.Error("pmprep-check changed the v3 request")
	}
	if got := string(read(t, filepath.Join(work, "api.postman_collection.json"))); got != hookCollection {
		t.Error("pmprep-check changed the collection")
	}
	if got := string(read(t, filepath.Join(work, "dev.postman_environment.json"))); got != hookEnvironment {
		t.Error("pmprep-check changed the environment")
	}
}

type hookEnv struct {
	dir   string // holds the hook repository, the work repositories and pre-commit's cache
	hooks string // the snapshot of this repository that pre-commit clones
	rev   string
	env   []string
	ctx   context.Context
}

// TestPlainGitHook: the plain .git/hooks/pre-commit docs/hooks.md shows
// (testdata/strip/pre-commit.sh) refuses a commit with secrets, strips the
// files (names with spaces too), lets commits without Postman files
// through silently, and checks what is staged: a secret staged and then
// removed from the working copy only is still refused.
func TestPlainGitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds pmprep and runs git")
	}
	h := newGitEnv(t, "git", "go")
	bin := filepath.Join(h.dir, "bin")
	h.must(t, "..", "go", "build", "-o", filepath.Join(bin, "pmprep"), "./cmd/pmprep")
	for i, kv := range h.env {
		if strings.HasPrefix(kv, "PATH=") {
			h.env[i] = "PATH=" + bin + string(os.PathListSeparator) + kv[len("PATH="):]
		}
	}
	work := filepath.Join(h.dir, "plain")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	h.must(t, work, "git", "init", "-q")
	hook := read(t, filepath.Join(fixtures, "pre-commit.sh"))
	if err := os.WriteFile(filepath.Join(work, ".git", "hooks", "pre-commit"), hook, 0o755); err != nil {
		t.Fatal(err)
	}

	write(t, filepath.Join(work, "notes.json"), hookOther)
	h.must(t, work, "git", "add", "-A")
	if out, err := h.run(work, "git", "commit", "-m", "no Postman files"); err != nil || strings.Contains(out, "pmprep") {
		t.Fatalf("a commit without Postman files was refused or talked about (%v):\n%s", err, redact(out))
	}

	write(t, filepath.Join(work, "My API.postman_collection.json"), hookCollection)
	write(t, filepath.Join(work, "dev.postman_environment.json"), hookEnvironment)
	h.must(t, work, "git", "add", "-A")
	out, err := h.run(work, "git", "commit", "-m", "add api")
	if err == nil {
		t.Fatalf("the commit with secrets was accepted:\n%s", redact(out))
	}
	if containsSecret(out) || !strings.Contains(out, "My API.postman_collection.json:7:") || !strings.Contains(out, "pmprep strip: 4 secrets found in 2 files") {
		t.Errorf("unexpected hook output:\n%s", redact(out))
	}
	for _, f := range []string{"My API.postman_collection.json", "dev.postman_environment.json"} {
		if containsSecret(string(read(t, filepath.Join(work, f)))) {
			t.Errorf("%s still holds a planted secret after the hook", f)
		}
	}
	h.must(t, work, "git", "add", "-A")
	if out, err := h.run(work, "git", "commit", "-m", "add api, stripped"); err != nil {
		t.Fatalf("the stripped commit was refused: %v\n%s", err, redact(out))
	}

	// The bypass: stage a secret, then take it out of the working copy
	// only. The commit would hold the secret: refused.
	staged := filepath.Join(work, "staged.postman_environment.json")
	write(t, staged, hookEnvironment)
	h.must(t, work, "git", "add", "staged.postman_environment.json")
	write(t, staged, `{"name": "dev", "values": []}`)
	out, err = h.run(work, "git", "commit", "-m", "secret staged, gone from the working copy")
	if err == nil {
		t.Fatalf("a staged secret missing from the working copy was committed:\n%s", redact(out))
	}
	if containsSecret(out) || !strings.Contains(out, "staged.postman_environment.json:") {
		t.Errorf("unexpected hook output:\n%s", redact(out))
	}
	if blob := h.must(t, work, "git", "cat-file", "blob", ":staged.postman_environment.json"); !containsSecret(blob) {
		t.Error("the hook changed the index: the staged secret is gone from it, so the test proves nothing")
	}
	if log := h.must(t, work, "git", "log", "--oneline"); strings.Contains(log, "gone from the working copy") {
		t.Error("the commit was made")
	}
	h.must(t, work, "git", "reset", "-q", "--", "staged.postman_environment.json")
	if err := os.Remove(staged); err != nil {
		t.Fatal(err)
	}

	// A v3 request (collection format v3 YAML) with a secret: refused.
	if err := os.MkdirAll(filepath.Join(work, "api", ".resources"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(work, "api", "Me.request.yaml"), hookRequestV3)
	write(t, filepath.Join(work, "api", ".resources", "definition.yaml"), "$kind: collection\nname: api\n")
	h.must(t, work, "git", "add", "-A")
	out, err = h.run(work, "git", "commit", "-m", "v3 secret")
	if err == nil {
		t.Fatalf("a v3 request with a secret was committed:\n%s", redact(out))
	}
	if containsSecret(out) || !strings.Contains(out, "api/Me.request.yaml:7:12: auth.credentials.token: bearer token") ||
		!strings.Contains(out, "pmprep strip: 1 secret found in 1 file") || !strings.Contains(out, "secrets in the staged files") {
		t.Errorf("unexpected hook output:\n%s", redact(out))
	}
	if containsSecret(string(read(t, filepath.Join(work, "api", "Me.request.yaml")))) {
		t.Error("the v3 request still holds its secret after the hook")
	}
	h.must(t, work, "git", "add", "-A")
	if out, err := h.run(work, "git", "commit", "-m", "v3, stripped"); err != nil {
		t.Fatalf("the stripped v3 commit was refused: %v\n%s", err, redact(out))
	}

	// A staged symlink is not checked as its target's path (git stores
	// that text): a clean commit with one passes.
	if err := os.Symlink("dev.postman_environment.json", filepath.Join(work, "link.postman_environment.json")); err != nil {
		t.Fatal(err)
	}
	h.must(t, work, "git", "add", "-A")
	if out, err := h.run(work, "git", "commit", "-m", "symlink"); err != nil {
		t.Fatalf("a clean commit staging a symlink was refused: %v\n%s", err, redact(out))
	}

	// A name starting with "-" is a file, not a flag.
	write(t, filepath.Join(work, "-dash.postman_environment.json"), hookEnvironment)
	h.must(t, work, "git", "add", "-A")
	out, err = h.run(work, "git", "commit", "-m", "dash")
	if err == nil || containsSecret(out) || !strings.Contains(out, "-dash.postman_environment.json:6:") || strings.Contains(out, "flag provided") {
		t.Errorf("a secret in -dash.postman_environment.json: want it found and refused (%v):\n%s", err, redact(out))
	}
	h.must(t, work, "git", "rm", "-q", "-f", "--cached", "--", "-dash.postman_environment.json")
	if err := os.Remove(filepath.Join(work, "-dash.postman_environment.json")); err != nil {
		t.Fatal(err)
	}

	// A file pmprep cannot read (exit 2) is not reported as secrets, and
	// nothing is stripped.
	write(t, filepath.Join(work, "broken.postman_environment.json"), `{"values": [`)
	h.must(t, work, "git", "add", "-A")
	out, err = h.run(work, "git", "commit", "-m", "broken")
	if err == nil || strings.Contains(out, "secrets in the staged files") || !strings.Contains(out, "pmprep could not check the staged files (exit 2") {
		t.Errorf("a broken file: want the commit refused with what failed, not \"secrets\" (%v):\n%s", err, redact(out))
	}
}

func write(t *testing.T, path, text string) {
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newHookEnv(t *testing.T) *hookEnv {
	h := newGitEnv(t, "pre-commit", "git", "go")
	h.hooks = filepath.Join(h.dir, "pmprep")
	snapshot(t, "..", h.hooks)
	h.must(t, h.hooks, "git", "init", "-q")
	h.must(t, h.hooks, "git", "add", "-A")
	h.must(t, h.hooks, "git", "commit", "-q", "-m", "snapshot")
	h.rev = strings.TrimSpace(h.must(t, h.hooks, "git", "rev-parse", "HEAD"))
	return h
}

// newGitEnv makes a scratch directory and an environment where git uses
// no user configuration; it skips the test when a tool is missing (fails
// under CI).
func newGitEnv(t *testing.T, tools ...string) *hookEnv {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; make precommit-deps installs Debian's pre-commit", tool)
			}
			t.Skipf("%s is not installed (make precommit-deps installs Debian's pre-commit)", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	h := &hookEnv{dir: t.TempDir(), ctx: ctx}
	empty := filepath.Join(h.dir, "gitconfig")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h.env = append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(h.dir, "pre-commit-cache"),
		"GIT_CONFIG_GLOBAL="+empty, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=pmprep test", "GIT_AUTHOR_EMAIL=test@pmprep.invalid",
		"GIT_COMMITTER_NAME=pmprep test", "GIT_COMMITTER_EMAIL=test@pmprep.invalid",
		// pre-commit points GOPATH at its own cache; reuse the module cache
		// so the build needs no download, and never fetch a toolchain.
		"GOMODCACHE="+goEnv(t, "GOMODCACHE"), "GOTOOLCHAIN=local",
	)
	return h
}

// repo makes a git repository whose .pre-commit-config.yaml uses one hook
// of the snapshot, with a collection, an environment and another JSON file
// staged.
func (h *hookEnv) repo(t *testing.T, hook string) string {
	work := filepath.Join(h.dir, hook)
	files := map[string]string{
		".pre-commit-config.yaml":      "repos:\n  - repo: " + h.hooks + "\n    rev: " + h.rev + "\n    hooks:\n      - id: " + hook + "\n",
		"api.postman_collection.json":  hookCollection,
		"dev.postman_environment.json": hookEnvironment,
		"notes.json":                   hookOther,
		"api/Me.request.yaml":          hookRequestV3,
	}
	if err := os.MkdirAll(filepath.Join(work, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.must(t, work, "git", "init", "-q")
	h.must(t, work, "pre-commit", "install")
	h.must(t, work, "git", "add", "-A")
	return work
}

func (h *hookEnv) run(dir string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(h.ctx, name, args...)
	cmd.Dir, cmd.Env = dir, h.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (h *hookEnv) must(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	out, err := h.run(dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, redact(out))
	}
	return out
}

func goEnv(t *testing.T, key string) string {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

// snapshot copies the module's sources (what `go install ./...` needs) from
// src to dst, leaving out git data, test data and build output.
func snapshot(t *testing.T, src, dst string) {
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.Name() == ".git" && path != src {
			// In a git worktree .git is a file naming the real git
			// directory: copied, it would make the snapshot's git init,
			// add and commit land on this working tree's branch.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", "bin", "build":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotLeavesGitOut: in a git worktree (and a submodule) .git is a
// file pointing at the real git directory; a snapshot holding it would
// commit into this repository instead of its own.
func TestSnapshotLeavesGitOut(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, filepath.Join(src, ".git"), "gitdir: /nonexistent/.git/worktrees/x\n")
	if err := os.MkdirAll(filepath.Join(src, "sub", ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(src, "sub", ".git", "HEAD"), "ref: refs/heads/main\n")
	write(t, filepath.Join(src, "sub", "a.go"), "package sub\n")
	write(t, filepath.Join(src, "sub", "a_test.go"), "package sub\n")
	snapshot(t, src, dst)
	for _, p := range []string{".git", "sub/.git", "sub/a_test.go"} {
		if _, err := os.Lstat(filepath.Join(dst, p)); err == nil {
			t.Errorf("snapshot copied %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "sub", "a.go")); err != nil {
		t.Errorf("snapshot left out sub/a.go: %v", err)
	}
}

func read(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func containsSecret(s string) bool {
	for _, x := range hookSecrets {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// redact keeps a failing test from printing a planted secret.
func redact(s string) string {
	b := []byte(s)
	for _, x := range hookSecrets {
		b = bytes.ReplaceAll(b, []byte(x), []byte("[planted secret]"))
	}
	return string(b)
}
