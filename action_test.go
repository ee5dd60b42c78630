package pmprep_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The GitHub Action (action.yml) is run here as the runner runs a
// composite action: each step's ${{ }} expressions evaluated, its script
// written to a file and run with `bash --noprofile --norc -eo pipefail`,
// with RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH and the GITHUB_PATH, GITHUB_ENV
// and GITHUB_OUTPUT files of a job; what a step appends to GITHUB_PATH
// and GITHUB_ENV reaches the later steps. pmprep comes from a release
// archive made by internal/dist and served from a local directory, or
// from `go install` through a local module proxy: nothing leaves the
// machine.

type actionFile struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) actionFile {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: runs.using %q with %d steps, want a composite action", a.Runs.Using, len(a.Runs.Steps))
	}
	return a
}

// stepResult is what one step did.
type stepResult struct {
	name   string
	out    string
	failed bool
}

// job is one simulated runner job: its directories and environment.
type job struct {
	t          *testing.T
	work       string   // GITHUB_WORKSPACE
	temp       string   // RUNNER_TEMP
	env        []string // the job's environment (env: of the workflow)
	path, genv string   // the GITHUB_PATH and GITHUB_ENV files
}

func newJob(t *testing.T, env ...string) *job {
	root := t.TempDir()
	j := &job{t: t, work: filepath.Join(root, "work"), temp: filepath.Join(root, "temp"), env: env}
	for _, d := range []string{j.work, j.temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	j.path, j.genv = filepath.Join(root, "github_path"), filepath.Join(root, "github_env")
	for _, f := range []string{j.path, j.genv, filepath.Join(root, "github_output")} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// use runs the action with inputs, step by step, stopping at the first
// failed step as the runner does.
func (j *job) use(a actionFile, with map[string]string) []stepResult {
	t := j.t
	t.Helper()
	for name := range with {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
	}
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				name := strings.TrimPrefix(e, "inputs.")
				in, ok := a.Inputs[name]
				if !ok {
					t.Fatalf("action.yml reads undeclared input %q", name)
				}
				if v, ok := with[name]; ok {
					return v
				}
				if in.Required {
					t.Fatalf("required input %q not given", name)
				}
				return in.Default
			case e == "github.action_path":
				abs, _ := filepath.Abs(".")
				return abs
			}
			t.Fatalf("action.yml uses the expression %q, which this test does not evaluate", e)
			return ""
		})
	}
	var results []stepResult
	for i, s := range a.Runs.Steps {
		if s.Uses != "" || s.If != "" || s.Shell != "bash" {
			t.Fatalf("step %d (%s): want a bash run step without if: (the test runs only those)", i+1, s.Name)
		}
		script := filepath.Join(j.temp, fmt.Sprintf("step%d.sh", i+1))
		if err := os.WriteFile(script, []byte(eval(s.Run)), 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(), j.env...)
		env = append(env, j.githubEnv()...)
		env = append(env,
			"CI=true", "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+j.work, "RUNNER_TEMP="+j.temp,
			"RUNNER_OS=Linux", "RUNNER_ARCH="+map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH],
			"GITHUB_PATH="+j.path, "GITHUB_ENV="+j.genv, "GITHUB_OUTPUT="+filepath.Join(filepath.Dir(j.path), "github_output"),
			"GITHUB_ACTION_PATH="+eval("${{ github.action_path }}"), "PATH="+j.pathVar(env))
		for k, v := range s.Env {
			env = append(env, k+"="+eval(v))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = j.work, env
		out, err := cmd.CombinedOutput()
		cancel()
		results = append(results, stepResult{name: s.Name, out: string(out), failed: err != nil})
		if err != nil {
			break
		}
	}
	return results
}

// pathVar is PATH with the GITHUB_PATH entries first, the newest first.
func (j *job) pathVar(env []string) string {
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	data, _ := os.ReadFile(j.path)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" {
			path = l + string(os.PathListSeparator) + path
		}
	}
	return path
}

// githubEnv reads GITHUB_ENV: NAME=value lines and NAME<<DELIM blocks.
func (j *job) githubEnv() []string {
	data, _ := os.ReadFile(j.genv)
	lines := strings.Split(string(data), "\n")
	var env []string
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			env = append(env, name+"="+strings.Join(value, "\n"))
		} else if strings.Contains(lines[i], "=") {
			env = append(env, lines[i])
		}
	}
	return env
}

func (j *job) write(name, text string) {
	if err := os.WriteFile(filepath.Join(j.work, name), []byte(text), 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// Fake secrets; never printed by pmprep.
const (
	fakeToken       = "pmprep-action-fake-bearer-1"
	secretActionCol = `{"info": {"name": "a", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "me", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "` + fakeToken + `"}]}, "url": "https://api.example.test/me"}}]}
`
	cleanActionCol = `{"info": {"name": "a", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "me", "request": {"url": "https://api.example.test/me"}}]}
`
)

func goOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func headCommit(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("PMPREP_E2E_REQUIRED") != "" {
				t.Fatalf("%s is not installed", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

// TestActionFromReleaseArchive: with a release archive for the version,
// the action installs it (checked against SHA256SUMS, without Go) and
// `pmprep strip --check` fails the step on a file with a secret and
// passes on a clean one; an archive that does not match SHA256SUMS is
// refused, not installed.
func TestActionFromReleaseArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a release archive")
	}
	needTools(t, "bash", "git", "curl", "tar", "sha256sum")
	a := loadAction(t)
	commit := headCommit(t)
	// The release directory, laid out as GitHub serves release assets:
	// BASE/v0.9.7/pmprep_0.9.7_linux_amd64.tar.gz and BASE/v0.9.7/SHA256SUMS.
	releases := t.TempDir()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	goOut(t, ".", "run", "./internal/dist", "-version", "0.9.7", "-commit", commit, "-platforms", platform, "-out", filepath.Join(releases, "v0.9.7"))
	releaseEnv := "PMPREP_RELEASE_URL=file://" + releases

	// A go on PATH that fails and leaves a mark: installing from the
	// archive must not need Go.
	stubs := t.TempDir()
	mark := filepath.Join(stubs, "go-was-run")
	if err := os.WriteFile(filepath.Join(stubs, "go"), []byte("#!/bin/sh\necho \"go $*\" >> '"+mark+"'\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	noGo := "PATH=" + stubs + string(os.PathListSeparator) + os.Getenv("PATH")

	t.Run("secret", func(t *testing.T) {
		j := newJob(t, releaseEnv, noGo)
		j.write("api.postman_collection.json", secretActionCol)
		res := j.use(a, map[string]string{"version": "0.9.7", "args": "strip --check *.postman_collection.json"})
		if len(res) != 2 || res[0].failed {
			t.Fatalf("install: %+v", res)
		}
		want := "installed pmprep from release archive pmprep_0.9.7_" + strings.ReplaceAll(platform, "/", "_") + ".tar.gz: pmprep 0.9.7 (commit " + commit + ","
		if !strings.Contains(res[0].out, want) {
			t.Errorf("install step said:\n%s\nwant %q", res[0].out, want)
		}
		if !res[1].failed || !strings.Contains(res[1].out, "api.postman_collection.json:2:") || !strings.Contains(res[1].out, "1 secret found in 1 file") {
			t.Errorf("strip --check on a secret: failed=%v\n%s", res[1].failed, res[1].out)
		}
		if strings.Contains(res[0].out+res[1].out, fakeToken) {
			t.Error("the secret was printed")
		}
	})
	t.Run("clean", func(t *testing.T) {
		j := newJob(t, releaseEnv, noGo)
		j.write("api.postman_collection.json", cleanActionCol)
		res := j.use(a, map[string]string{"version": "v0.9.7", "args": "strip --check api.postman_collection.json"})
		if len(res) != 2 || res[0].failed || res[1].failed {
			t.Fatalf("on a clean file: %+v", res)
		}
	})
	if data, err := os.ReadFile(mark); err == nil {
		t.Errorf("installing from the release archive ran go: %s", data)
	}

	t.Run("tampered", func(t *testing.T) {
		bad := t.TempDir()
		dir := filepath.Join(bad, "v0.9.7")
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(releases, "v0.9.7"))); err != nil {
			t.Fatal(err)
		}
		sums, _ := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
		sums = regexp.MustCompile(`^[0-9a-f]`).ReplaceAllFunc(sums, func(b []byte) []byte {
			if b[0] == '0' {
				return []byte("1")
			}
			return []byte("0")
		})
		if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums, 0o644); err != nil {
			t.Fatal(err)
		}
		j := newJob(t, "PMPREP_RELEASE_URL=file://"+bad, noGo)
		j.write("api.postman_collection.json", cleanActionCol)
		res := j.use(a, map[string]string{"version": "0.9.7", "args": "strip --check api.postman_collection.json"})
		if len(res) != 1 || !res[0].failed || !strings.Contains(res[0].out, "does not match the release's SHA256SUMS") {
			t.Errorf("a tampered archive: %+v", res)
		}
		if data, _ := os.ReadFile(j.path); len(data) != 0 {
			t.Errorf("GITHUB_PATH got %q after a refused install", data)
		}
	})
}

// TestActionGoInstall: for a version with no release archive the action
// runs `go install github.com/pmprep/pmprep/cmd/pmprep@vVERSION` (here
// through a local module proxy holding this checkout as that version),
// then runs pmprep; an input holding shell syntax stays data.
func TestActionGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: go install through a local module proxy")
	}
	needTools(t, "bash", "go", "curl")
	a := loadAction(t)
	proxy := t.TempDir()
	moduleProxy(t, proxy, "v0.9.9")
	cache := goOut(t, ".", "env", "GOMODCACHE")
	env := []string{
		"PMPREP_RELEASE_URL=file://" + t.TempDir(), // no release there
		// This checkout as v0.9.9; its dependencies from the local module
		// cache. A scratch GOMODCACHE keeps the fake version out of yours;
		// no checksum database (a network service; the fake version is in
		// none).
		"GOPROXY=file://" + proxy + ",file://" + filepath.Join(cache, "cache", "download"),
		"GOSUMDB=off", "GOMODCACHE=" + t.TempDir(), "GOFLAGS=-modcacherw", "GOTOOLCHAIN=local",
	}

	j := newJob(t, env...)
	j.write("api.postman_collection.json", secretActionCol)
	res := j.use(a, map[string]string{"version": "0.9.9", "args": "strip --check api.postman_collection.json"})
	if len(res) != 2 || res[0].failed {
		t.Fatalf("install: %+v", res)
	}
	for _, want := range []string{
		"pmprep 0.9.9 has no release archive",
		"installed pmprep from go install github.com/pmprep/pmprep/cmd/pmprep@v0.9.9: pmprep 0.9.9 (",
	} {
		if !strings.Contains(res[0].out, want) {
			t.Errorf("install step lacks %q:\n%s", want, res[0].out)
		}
	}
	if !res[1].failed || !strings.Contains(res[1].out, "1 secret found in 1 file") {
		t.Errorf("strip --check on a secret: failed=%v\n%s", res[1].failed, res[1].out)
	}

	// An empty version is latest: go install …@latest, which the local
	// proxy answers with its one version.
	j = newJob(t, env...)
	res = j.use(a, map[string]string{"version": "", "args": "--version"})
	if len(res) != 2 || res[0].failed || res[1].failed || !strings.Contains(res[0].out, "go install github.com/pmprep/pmprep/cmd/pmprep@latest: pmprep 0.9.9 (") {
		t.Errorf("version \"\": %+v", res)
	}

	// No release archive and no Go: the step fails saying what to add.
	var noGo []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "go")); err != nil {
			noGo = append(noGo, d)
		}
	}
	j = newJob(t, append(env, "PATH="+strings.Join(noGo, string(os.PathListSeparator)))...)
	res = j.use(a, map[string]string{"version": "0.9.9", "args": "--version"})
	if len(res) != 1 || !res[0].failed || !strings.Contains(res[0].out, "no release archive and no Go to build it; add actions/setup-go") {
		t.Errorf("without Go: %+v", res)
	}

	// An input is data: a version with a command substitution is not run.
	j = newJob(t, env...)
	res = j.use(a, map[string]string{"version": "$(touch pwned)", "args": "--version"})
	if len(res) == 0 || !res[0].failed {
		t.Errorf("a version with shell syntax installed something: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(j.work, "pwned")); err == nil {
		t.Error("the version input was run as a command")
	}
}

// moduleProxy lays out a GOPROXY directory serving this checkout's
// module at version: list, .info, .mod and the module zip (sources only).
func moduleProxy(t *testing.T, root, version string) {
	t.Helper()
	dir := filepath.Join(root, "github.com", "pmprep", "pmprep", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": []byte(`{"Version":"` + version + `","Time":"2026-01-02T03:04:05Z"}`),
		version + ".mod":  gomod,
		version + ".zip":  moduleZip(t, "github.com/pmprep/pmprep@"+version),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// moduleZip zips the module's files under prefix/, as a module proxy
// serves them: no .git, no test data, no build output.
func moduleZip(t *testing.T, prefix string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "bin", "build":
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || d.Name() == ".git" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.Create(prefix + "/" + filepath.ToSlash(p))
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
