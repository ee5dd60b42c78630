package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The documentation is README.md (a front page) and docs/*.md (the
// reference). These tests keep it honest: every flag is documented, every
// link resolves, the front page stays short, and every shell and YAML
// example is executed or parsed by a test — this file's, or a named one in
// another package that reads the example from the same file.

const repoRoot = "../.."

// maxReadme is the front page's budget: what pmprep does, install, the
// three jobs, the two set-up commands and links; the rest is in docs/.
const maxReadme = 12 * 1024

// docFiles returns README.md and docs/*.md, relative to the repository.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md: %v", err)
	}
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, filepath.ToSlash(strings.TrimPrefix(d, repoRoot+string(filepath.Separator))))
	}
	sort.Strings(files[1:])
	return files
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestEveryFlagIsDocumented: each command's flags are in docs/COMMAND.md,
// and each flag's PMPREP_* variable in docs/cli.md.
func TestEveryFlagIsDocumented(t *testing.T) {
	cli := readDoc(t, "docs/cli.md")
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	for _, cmd := range app.Commands {
		if len(cmd.Flags) == 0 {
			continue
		}
		doc := readDoc(t, "docs/"+cmd.Name+".md")
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			if !strings.Contains(doc, "--"+name) && !strings.Contains(doc, "-"+name+" ") {
				t.Errorf("pmprep %s --%s is not in docs/%s.md", cmd.Name, name, cmd.Name)
			}
			for _, env := range envVar(name) {
				if !strings.Contains(cli, env) {
					t.Errorf("%s (pmprep %s --%s) is not in docs/cli.md", env, cmd.Name, name)
				}
			}
		}
	}
}

// TestReadmeGitHookIsTheTestedOne: the plain git hook docs/hooks.md shows
// is the script strip's end-to-end test runs (testdata/strip/pre-commit.sh).
func TestReadmeGitHookIsTheTestedOne(t *testing.T) {
	hooks := readDoc(t, "docs/hooks.md")
	hook := readDoc(t, "testdata/strip/pre-commit.sh")
	if !strings.Contains(hooks, hookCode(hook)) {
		t.Errorf("docs/hooks.md's plain git hook differs from testdata/strip/pre-commit.sh")
	}
}

// hookCode is a shell script without its comments and blank lines.
func hookCode(script string) string {
	var code []string
	for _, l := range strings.Split(script, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			code = append(code, l)
		}
	}
	return strings.Join(code, "\n")
}

func TestReadmeIsAFrontPage(t *testing.T) {
	if n := len(readDoc(t, "README.md")); n > maxReadme {
		t.Errorf("README.md is %d bytes, more than %d: move reference material to docs/", n, maxReadme)
	}
}

var (
	mdLink  = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading = regexp.MustCompile("(?m)^#{1,6} +(.+)$")
)

// TestDocLinksResolve: every relative link of README.md and docs/*.md
// names a file of the repository, and an #anchor one of its headings.
func TestDocLinksResolve(t *testing.T) {
	for _, file := range docFiles(t) {
		text := stripFences(readDoc(t, file))
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			resolved := file
			if path != "" {
				resolved = filepath.ToSlash(filepath.Join(filepath.Dir(file), path))
				if _, err := os.Stat(filepath.Join(repoRoot, resolved)); err != nil {
					t.Errorf("%s: link %s: no such file %s", file, target, resolved)
					continue
				}
			}
			if anchor != "" {
				if !strings.HasSuffix(resolved, ".md") || !hasAnchor(readDoc(t, resolved), anchor) {
					t.Errorf("%s: link %s: %s has no heading #%s", file, target, resolved, anchor)
				}
			}
		}
	}
}

// hasAnchor tells whether markdown has a heading whose GitHub anchor is
// anchor (lower case, punctuation dropped, spaces as hyphens).
func hasAnchor(markdown, anchor string) bool {
	for _, m := range heading.FindAllStringSubmatch(stripFences(markdown), -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
				b.WriteRune(r)
			}
		}
		if b.String() == anchor {
			return true
		}
	}
	return false
}

// stripFences removes fenced code blocks (a "# comment" in a shell example
// is not a heading).
func stripFences(markdown string) string {
	var out []string
	in := false
	for _, l := range strings.Split(markdown, "\n") {
		if strings.HasPrefix(l, "```") {
			in = !in
			continue
		}
		if !in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// example is one fenced shell or YAML block of the documentation.
type example struct {
	file, lang, text string
	line             int
}

// key names an example by its file and first line, as exampleChecks does.
func (e example) key() string {
	first, _, _ := strings.Cut(e.text, "\n")
	return e.file + ": " + first
}

// examples returns every ```sh, ```bash, ```yaml block of the documentation.
func examples(t *testing.T) []example {
	var all []example
	for _, file := range docFiles(t) {
		lines := strings.Split(readDoc(t, file), "\n")
		for i := 0; i < len(lines); i++ {
			lang, ok := strings.CutPrefix(lines[i], "```")
			if !ok {
				continue
			}
			start := i
			var body []string
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				body = append(body, lines[i])
			}
			switch lang {
			case "sh", "bash", "shell", "console", "yaml", "yml":
				all = append(all, example{file: file, lang: lang, text: strings.Join(body, "\n") + "\n", line: start + 1})
			}
		}
	}
	return all
}

// exampleChecks says how each example is executed or parsed, by its key
// (file and first line). An example without an entry fails
// TestEveryExampleIsTested: a new example needs a test.
var exampleChecks = map[string]func(t *testing.T, ex example){
	"README.md: make demo   # inject a shipped example collection and run it with newman against a local authorization server": checkMakeTargets,
	"README.md: # 1. once, on an exported collection (then re-import it into Postman)":                                         checkThreeJobs,
	"docs/ci.md: make build   # or: go install github.com/pmprep/pmprep/cmd/pmprep@latest":                                     testedBy("e2e", "TestReadmeCIRecipe"),
	"docs/ci.md: postman collection run build/api.json -e build/env/staging.postman_environment.json \\":                       testedBy("e2e", "TestReadmePostmanCLIRecipe"),
	"docs/ci.md: jobs:":      checkGitHubWorkflow,
	"docs/ci.md: api-tests:": checkGitLabJob,
	"docs/config.md: collection: api.postman_collection.json   # the default input of inject; its name seeds env ids": testedBy("config", "TestREADMEExample"),
	"docs/config.md: auth:                                # what every token inherits":                                testedBy("config", "TestREADMETokensExample"),
	"docs/install.md: make dist VERSION=0.1.0   # build/dist: the five archives and SHA256SUMS":                       checkDistExample,
	"docs/install.md: # .github/workflows/postman-secrets.yml":                                                        checkActionExample,
	"docs/install.md: go install github.com/pmprep/pmprep/cmd/pmprep@latest":                                          checkGoInstall,
	"docs/install.md: # bash: add this line to ~/.bashrc":                                                             checkCompletionExample,
	"docs/install.md: # zsh: add this line to ~/.zshrc, after compinit":                                               checkCompletionExample,
	"docs/install.md: # fish: once (fish loads it from there by itself)":                                              checkCompletionExample,
	"docs/hooks.md: # .pre-commit-config.yaml":                                                                        checkPreCommitConfig("TestPreCommitFramework"),
	"docs/hooks.md: # .pre-commit-config.yaml, with pmprep installed":                                                 checkPreCommitConfig("TestPreCommitSystemHooks"),
	"docs/hooks.md: #!/bin/sh": checkPlainGitHook,
	"docs/hooks.md: git ls-files -z -- '*.postman_collection.json' '*.postman_environment.json' '*.postman_globals.json' '*.postman.json' \\": checkCIGuard,
}

// TestEveryExampleIsTested runs the check of every example.
func TestEveryExampleIsTested(t *testing.T) {
	seen := map[string]bool{}
	for _, ex := range examples(t) {
		check, ok := exampleChecks[ex.key()]
		if !ok {
			t.Errorf("%s:%d: a %s example no test executes or parses; add it to exampleChecks (key %q)", ex.file, ex.line, ex.lang, ex.key())
			continue
		}
		seen[ex.key()] = true
		t.Run(fmt.Sprintf("%s:%d", ex.file, ex.line), func(t *testing.T) {
			if strings.HasPrefix(ex.lang, "y") {
				var doc yaml.Node
				if err := yaml.Unmarshal([]byte(ex.text), &doc); err != nil {
					t.Fatalf("not YAML: %v", err)
				}
			} else if out, err := exec.Command("bash", "-n", "-c", ex.text).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
			check(t, ex)
		})
	}
	for key := range exampleChecks {
		if !seen[key] {
			t.Errorf("exampleChecks names an example the documentation no longer has: %q", key)
		}
	}
}

// testedBy: the example is executed or parsed by test name in package pkg,
// which reads it from the same documentation file.
func testedBy(pkg, name string) func(*testing.T, example) {
	return func(t *testing.T, ex example) {
		files, _ := filepath.Glob(filepath.Join(repoRoot, pkg, "*_test.go"))
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(src, []byte("func "+name+"(t *testing.T)")) {
				if !bytes.Contains(src, []byte(filepath.Base(ex.file))) {
					t.Errorf("%s (%s) does not read %s", name, f, ex.file)
				}
				return
			}
		}
		t.Errorf("no test %s in %s/", name, pkg)
	}
}

// checkMakeTargets: each `make TARGET` line names a target of the
// Makefile (make -n: what it would run, without running it: make test
// runs this test).
func checkMakeTargets(t *testing.T, ex example) {
	n := 0
	for _, l := range strings.Split(ex.text, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "make" {
			continue
		}
		n++
		cmd := exec.Command("make", "-n", f[1])
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("make -n %s: %v\n%s", f[1], err, out)
		}
	}
	if n == 0 {
		t.Error("no make command")
	}
}

// checkActionExample: the workflow uses this repository's action at a
// commit of it that has action.yml with the inputs given, installs that
// same commit, and its args are a guard that fails on a committed secret
// and passes a clean repository (run here; the root package's
// TestActionFromReleaseArchive and TestActionGoInstall run action.yml's
// steps as the runner does).
func checkActionExample(t *testing.T, ex example) {
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(ex.text), &wf); err != nil {
		t.Fatal(err)
	}
	repo := strings.TrimPrefix(modulePath(t), "github.com/")
	n := 0
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			ref, ok := strings.CutPrefix(s.Uses, repo+"@")
			if !ok {
				continue
			}
			n++
			if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(ref) {
				t.Errorf("uses %s: pin a commit SHA (there are no release tags yet)", s.Uses)
				continue
			}
			cmd := exec.Command("git", "show", ref+":action.yml")
			cmd.Dir = repoRoot
			action, err := cmd.Output()
			if err != nil {
				t.Fatalf("uses %s: not a commit of this repository with action.yml: %v", s.Uses, err)
			}
			var a struct {
				Inputs map[string]any `yaml:"inputs"`
			}
			if err := yaml.Unmarshal(action, &a); err != nil {
				t.Fatal(err)
			}
			for k := range s.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("with: %s is not an input of the action at %s", k, ref)
				}
			}
			if s.With["version"] != ref {
				t.Errorf("version %q: install the commit the action is pinned to (%s)", s.With["version"], ref)
			}
			if !strings.HasPrefix(s.With["args"], "strip --check ") {
				t.Errorf("args %q: want a strip --check guard", s.With["args"])
			}
			runGuard(t, "pmprep "+s.With["args"])
		}
	}
	if n != 1 {
		t.Errorf("want one step using %s, got %d", repo, n)
	}
	testedBy(".", "TestActionFromReleaseArchive")(t, example{file: "action.yml"})
}

// checkDistExample: `make dist VERSION=…` runs internal/dist with that
// version (make -n), and internal/dist's TestReproducibleArchive builds an
// archive and runs the example's checksum line on it.
func checkDistExample(t *testing.T, ex example) {
	cmds := commands(ex.text)
	if len(cmds) != 2 || cmds[1] != "cd build/dist && sha256sum -c SHA256SUMS" {
		t.Fatalf("want make dist and the checksum line; got %q", cmds)
	}
	f := strings.Fields(cmds[0])
	cmd := exec.Command("make", append([]string{"-n"}, f[1:]...)...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "go run ./internal/dist -version 0.1.0") {
		t.Errorf("make -n %s: %v\n%s", strings.Join(f[1:], " "), err, out)
	}
	testedBy("internal/dist", "TestReproducibleArchive")(t, ex)
}

// commands returns a shell example's commands: comments dropped,
// continuation lines joined, runs of spaces made one.
func commands(script string) []string {
	var out []string
	cont := ""
	for _, l := range strings.Split(script, "\n") {
		if i := strings.Index(l, "   #"); i >= 0 || strings.HasPrefix(strings.TrimSpace(l), "#") {
			if i < 0 {
				i = 0
			}
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if strings.HasSuffix(l, "\\") {
			cont += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		if l = strings.Join(strings.Fields(cont+l), " "); l != "" {
			out = append(out, l)
		}
		cont = ""
	}
	return out
}

// ciRecipe returns the commands of docs/ci.md's recipe, which
// e2e.TestReadmeCIRecipe runs against real OAuth 2.0 servers with newman.
func ciRecipe(t *testing.T) map[string]bool {
	t.Helper()
	_, block, _ := strings.Cut(readDoc(t, "docs/ci.md"), "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	recipe := map[string]bool{}
	for _, c := range commands(block) {
		recipe[c] = true
	}
	if len(recipe) < 3 {
		t.Fatalf("docs/ci.md's recipe has %d commands", len(recipe))
	}
	return recipe
}

// checkThreeJobs: job 2 is the CI recipe (run by the e2e suite); jobs 1
// and 3 run here, with the real pmprep, on a demo collection with a
// pasted token.
func checkThreeJobs(t *testing.T, ex example) {
	jobs := regexp.MustCompile(`(?m)^# \d\. `).Split(ex.text, -1)
	if len(jobs) != 4 {
		t.Fatalf("want three jobs, each after a \"# N. \" line; got %d parts", len(jobs)-1)
	}
	for i, job := range jobs {
		_, jobs[i], _ = strings.Cut(job, "\n") // the rest of the "# N. " line
	}
	recipe := ciRecipe(t)
	for _, c := range commands(jobs[2]) {
		if !recipe[c] {
			t.Errorf("job 2 runs %q, which is not in docs/ci.md's tested recipe", c)
		}
	}

	dir := t.TempDir()
	writeText(t, filepath.Join(dir, "My API.postman_collection.json"), demoCollection(t))
	if out, err := shell(t, dir, jobs[1]); err != nil {
		t.Fatalf("job 1: %v\n%s", err, out)
	}
	if got := readText(t, filepath.Join(dir, "My API.postman_collection.json")); !strings.Contains(got, "// >>> pmprep") {
		t.Error("job 1 did not inject the collection in place")
	}

	repo := gitRepo(t)
	writeText(t, filepath.Join(repo, "My API.postman_collection.json"), secretCollection)
	git(t, repo, "add", "-A")
	out, err := shell(t, repo, jobs[3])
	if err == nil || !strings.Contains(out, "pmprep strip: 1 secret stripped in 1 file") {
		t.Errorf("job 3 on a staged secret: want a failure and a stripped file, got %v\n%s", err, out)
	}
	if strings.Contains(readText(t, filepath.Join(repo, "My API.postman_collection.json")), fakeSecret) {
		t.Error("job 3 left the secret in the file")
	}
	// A commit that only deletes a collection has nothing to strip.
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "stripped")
	git(t, repo, "rm", "-q", "My API.postman_collection.json")
	if out, err := shell(t, repo, jobs[3]); err != nil {
		t.Errorf("job 3 on a staged deletion: %v\n%s", err, out)
	}
}

// checkCIGuard runs the guard in a repository with a committed secret
// (it fails) and in one without (it passes).
func checkCIGuard(t *testing.T, ex example) {
	runGuard(t, ex.text)
	runGuardV3(t, ex.text)
}

// runGuardV3: the guard also refuses a committed collection format v3
// file (a request in a collection's directory) with a secret, and a file
// whose name starts with "-".
func runGuardV3(t *testing.T, guard string) {
	t.Helper()
	repo := gitRepo(t)
	if err := os.MkdirAll(filepath.Join(repo, "api", ".resources"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(repo, "api", ".resources", "definition.yaml"), "$kind: collection\nname: api\n")
	writeText(t, filepath.Join(repo, "api", "Me.request.yaml"), "$kind: http-request\nurl: https://api.example.test/me\nauth:\n  type: bearer\n  credentials:\n    token: "+fakeSecret+"\n")
	writeText(t, filepath.Join(repo, "-dash.postman_collection.json"), demoCollectionClean)
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "v3 secret")
	out, err := shell(t, repo, guard)
	if err == nil || !strings.Contains(out, "api/Me.request.yaml:6:12: auth.credentials.token: bearer token") || strings.Contains(out, fakeSecret) ||
		!strings.Contains(out, "1 secret found in 1 file") || strings.Contains(out, "not processed") {
		t.Errorf("the guard on a committed v3 secret: %v\n%s", err, out)
	}
}

func runGuard(t *testing.T, guard string) {
	t.Helper()
	repo := gitRepo(t)
	writeText(t, filepath.Join(repo, "api.postman_collection.json"), secretCollection)
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "secret")
	out, err := shell(t, repo, guard)
	if err == nil || !strings.Contains(out, "api.postman_collection.json:") {
		t.Errorf("the guard passed a committed secret: %v\n%s", err, out)
	}
	if !strings.Contains(readText(t, filepath.Join(repo, "api.postman_collection.json")), fakeSecret) {
		t.Error("the guard changed the file")
	}
	writeText(t, filepath.Join(repo, "api.postman_collection.json"), demoCollectionClean)
	git(t, repo, "commit", "-q", "-am", "clean")
	if out, err := shell(t, repo, guard); err != nil {
		t.Errorf("the guard failed on a clean repository: %v\n%s", err, out)
	}
}

// checkPlainGitHook: the hook is testdata/strip/pre-commit.sh
// (TestReadmeGitHookIsTheTestedOne), which strip.TestPlainGitHook installs
// and commits through.
func checkPlainGitHook(t *testing.T, ex example) {
	if hookCode(ex.text) != hookCode(readDoc(t, "testdata/strip/pre-commit.sh")) {
		t.Error("the hook differs from testdata/strip/pre-commit.sh")
	}
	testedBy("strip", "TestPlainGitHook")(t, example{file: "pre-commit.sh"})
}

// checkPreCommitConfig: the config names this repository, a rev that is a
// commit of it, and hooks that commit's .pre-commit-hooks.yaml defines
// (strip's test named test runs those hooks through pre-commit).
func checkPreCommitConfig(test string) func(*testing.T, example) {
	return func(t *testing.T, ex example) { checkPreCommitConfigBy(t, ex, test) }
}

func checkPreCommitConfigBy(t *testing.T, ex example, test string) {
	var cfg struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Rev   string `yaml:"rev"`
			Hooks []struct {
				ID string `yaml:"id"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	if err := yaml.Unmarshal([]byte(ex.text), &cfg); err != nil || len(cfg.Repos) == 0 {
		t.Fatalf("no repos: %v", err)
	}
	for _, r := range cfg.Repos {
		if r.Repo != "https://github.com/"+modulePath(t)[len("github.com/"):] {
			t.Errorf("repo %s is not this module's", r.Repo)
		}
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(r.Rev) {
			t.Errorf("rev %q is not a commit SHA (there are no release tags yet)", r.Rev)
			continue
		}
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("no git")
		}
		cmd := exec.Command("git", "show", r.Rev+":.pre-commit-hooks.yaml")
		cmd.Dir = repoRoot
		hooks, err := cmd.Output()
		if err != nil {
			if exec.Command("git", "-C", repoRoot, "rev-parse", "--git-dir").Run() != nil {
				t.Skip("not a git checkout")
			}
			t.Fatalf("rev %s is not a commit of this repository with .pre-commit-hooks.yaml: %v", r.Rev, err)
		}
		var defined []struct {
			ID string `yaml:"id"`
		}
		if err := yaml.Unmarshal(hooks, &defined); err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Hooks {
			found := false
			for _, d := range defined {
				found = found || d.ID == h.ID
			}
			if !found {
				t.Errorf("hook %s is not defined at rev %s", h.ID, r.Rev)
			}
		}
	}
	testedBy("strip", test)(t, example{file: ".pre-commit-hooks.yaml"})
}

// checkGitHubWorkflow: every step runs or uses something; the commands are
// the tested recipe's, newman the pinned version, and the secret guard
// works (run here).
func checkGitHubWorkflow(t *testing.T, ex example) {
	var wf struct {
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(ex.text), &wf); err != nil || len(wf.Jobs) == 0 {
		t.Fatalf("no jobs: %v", err)
	}
	var lines []string
	for name, job := range wf.Jobs {
		if job.RunsOn == "" || len(job.Steps) == 0 {
			t.Errorf("job %s has no runs-on or no steps", name)
		}
		for i, s := range job.Steps {
			if (s.Uses == "") == (s.Run == "") {
				t.Errorf("job %s step %d: want one of uses and run", name, i+1)
			}
			if s.Run != "" {
				lines = append(lines, s.Run)
			}
		}
	}
	checkCICommands(t, lines)
}

// checkGitLabJob: as checkGitHubWorkflow, for a GitLab CI job.
func checkGitLabJob(t *testing.T, ex example) {
	var jobs map[string]struct {
		Image        string   `yaml:"image"`
		BeforeScript []string `yaml:"before_script"`
		Script       []string `yaml:"script"`
	}
	if err := yaml.Unmarshal([]byte(ex.text), &jobs); err != nil || len(jobs) == 0 {
		t.Fatalf("no jobs: %v", err)
	}
	for name, job := range jobs {
		if job.Image == "" || len(job.Script) == 0 {
			t.Errorf("job %s has no image or no script", name)
		}
		checkCICommands(t, append(job.BeforeScript, job.Script...))
	}
}

// checkCICommands checks a CI job's shell lines: pmprep and newman
// commands are the tested recipe's, installs name this module and the
// pinned newman, and a strip --check guard is run here.
func checkCICommands(t *testing.T, lines []string) {
	t.Helper()
	recipe := ciRecipe(t)
	newman := pinnedNewman(t)
	guarded := false
	for _, l := range lines {
		for _, c := range commands(l) {
			switch {
			case strings.Contains(c, "pmprep strip --check"):
				runGuard(t, c)
				runGuardV3(t, c)
				guarded = true
			case strings.HasPrefix(c, "pmprep ") || strings.HasPrefix(c, "newman run "):
				if !recipe[c] {
					t.Errorf("%q is not a command of docs/ci.md's tested recipe", c)
				}
			case strings.HasPrefix(c, "go install "):
				if !strings.HasPrefix(c, "go install "+modulePath(t)+"/cmd/pmprep@") {
					t.Errorf("%q does not install this module's pmprep", c)
				}
			case strings.Contains(c, "npm install -g newman"):
				if !strings.HasSuffix(c, "newman@"+newman) {
					t.Errorf("%q: the tested newman is %s", c, newman)
				}
			}
		}
	}
	if !guarded {
		t.Error("no pmprep strip --check guard")
	}
}

// pinnedNewman is the newman version of the end-to-end suite's lock file.
func pinnedNewman(t *testing.T) string {
	t.Helper()
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(readDoc(t, "testdata/e2e/package.json")), &pkg); err != nil {
		t.Fatal(err)
	}
	return pkg.Dependencies["newman"]
}

// modulePath is the module path of go.mod.
func modulePath(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^module (\S+)$`).FindStringSubmatch(readDoc(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no module line")
	}
	return m[1]
}

const fakeSecret = "pmprep-docs-fake-bearer-1"

// secretCollection holds one literal bearer token (fake).
const secretCollection = `{
	"info": {"name": "docs", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [{"name": "me", "request": {
		"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "` + fakeSecret + `", "type": "string"}]},
		"url": "https://api.example.test/me"
	}}]
}
`

const demoCollectionClean = `{
	"info": {"name": "docs", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [{"name": "me", "request": {"url": "https://api.example.test/me"}}]
}
`

// demoCollection is the shipped example collection.
func demoCollection(t *testing.T) string {
	return readDoc(t, "examples/api.postman_collection.json")
}

// shell runs a documentation example with bash in dir; pmprep on PATH is
// this test binary (TestMain), git sees no user or system configuration.
func shell(t *testing.T, dir, script string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func gitEnv(t *testing.T) []string {
	home := t.TempDir()
	return append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"),
		"GIT_AUTHOR_NAME=docs", "GIT_AUTHOR_EMAIL=docs@example.test", "GIT_COMMITTER_NAME=docs", "GIT_COMMITTER_EMAIL=docs@example.test")
}

func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	return dir
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
