package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// completionScript is what `pmprep completion SHELL` prints.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"pmprep", "completion", shell}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("pmprep completion %s: exit %d: %s", shell, code, errOut.String())
	}
	return out.String()
}

// bashOffers completes line (ending at the cursor) with the bash script.
func bashOffers(t *testing.T, script, line string) []string {
	t.Helper()
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	for i, w := range words {
		words[i] = "'" + w + "'"
	}
	cmd := exec.Command("bash", "--norc", "-c", script+"\nCOMP_WORDS=("+strings.Join(words, " ")+"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"+
		"_pmprep_complete; printf '%s\\n' \"${COMPREPLY[@]}\"")
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	return strings.Fields(string(out))
}

// TestCompletionCoversTheApp: bash completion, from the real command
// line, offers every command, every flag of each command and the values
// of the flags that take one of a few.
func TestCompletionCoversTheApp(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := completionScript(t, "bash")
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	top := strings.Join(bashOffers(t, script, "pmprep "), " ")
	for _, c := range app.Commands {
		if !strings.Contains(" "+top+" ", " "+c.Name+" ") {
			t.Errorf("pmprep <TAB> does not offer %s: %s", c.Name, top)
		}
		offers := " " + strings.Join(bashOffers(t, script, "pmprep "+c.Name+" -"), " ") + " "
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				if !strings.Contains(offers, " "+dashedName(n)+" ") {
					t.Errorf("pmprep %s -<TAB> does not offer %s:%s", c.Name, dashedName(n), offers)
				}
			}
		}
	}
	for line, want := range map[string]string{
		"pmprep inject --grant ":         "client_credentials password refresh_token",
		"pmprep inject --client-auth ":   "assertion basic body client_secret_jwt none private_key_jwt tls",
		"pmprep inject --assertion-alg ": "ES256 PS256 RS256 RS384 RS512",
		"pmprep envs --format ":          "json v3",
		"pmprep inject --auth ":          "bearer oauth2",
		"pmprep completion ":             "bash fish zsh",
	} {
		got := bashOffers(t, script, line)
		sort.Strings(got)
		if strings.Join(got, " ") != want {
			t.Errorf("%q offers %q, want %q", line, got, want)
		}
	}
}

// TestFishCompletionCoversTheApp: as TestCompletionCoversTheApp, with
// fish's own completion engine (complete -C) on the real script: every
// long flag of every command.
func TestFishCompletionCoversTheApp(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		if os.Getenv("PMPREP_E2E_REQUIRED") != "" {
			t.Fatal("fish is not installed; make completion-deps installs it")
		}
		t.Skip("fish is not installed")
	}
	path := filepath.Join(t.TempDir(), "pmprep.fish")
	if err := os.WriteFile(path, []byte(completionScript(t, "fish")), 0o644); err != nil {
		t.Fatal(err)
	}
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	script := "source " + path + "\n"
	for _, c := range app.Commands {
		script += "complete -C'pmprep " + c.Name + " --'; echo '<end>'\n"
	}
	out, err := exec.Command("fish", "--no-config", "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(out), "<end>\n")
	for i, c := range app.Commands {
		for _, f := range c.Flags {
			if n := f.Names()[0]; !strings.Contains(parts[i], "--"+n+"\t") {
				t.Errorf("fish: pmprep %s --<TAB> does not offer --%s:\n%s", c.Name, n, parts[i])
			}
		}
	}
}

func dashedName(n string) string {
	if len(n) == 1 {
		return "-" + n
	}
	return "--" + n
}

// TestCompletionLoads: each shell loads the script as the docs say, and
// then knows pmprep (zsh and fish only where installed, unless
// PMPREP_E2E_REQUIRED).
func TestCompletionLoads(t *testing.T) {
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			if _, err := exec.LookPath(shell); err != nil {
				if os.Getenv("PMPREP_E2E_REQUIRED") != "" {
					t.Fatalf("%s is not installed; make completion-deps installs it", shell)
				}
				t.Skipf("%s is not installed", shell)
			}
			path := filepath.Join(dir, "pmprep."+shell)
			if err := os.WriteFile(path, []byte(completionScript(t, shell)), 0o644); err != nil {
				t.Fatal(err)
			}
			var cmd *exec.Cmd
			switch shell {
			case "bash":
				cmd = exec.Command("bash", "--norc", "-c", "source "+path+" && complete -p pmprep")
			case "zsh":
				cmd = exec.Command("zsh", "-f", "-c", "autoload -U compinit && compinit -u -D && source "+path+" && print -r -- $_comps[pmprep]")
			case "fish":
				cmd = exec.Command("fish", "--no-config", "-c", "source "+path+"; complete -C'pmprep stri'")
			}
			out, err := cmd.CombinedOutput()
			want := map[string]string{"bash": "complete -F _pmprep_complete pmprep\n", "zsh": "_pmprep\n", "fish": "strip\t"}[shell]
			if err != nil || !strings.HasPrefix(string(out), want) {
				t.Errorf("%v: %q, want %q", err, out, want)
			}
		})
	}
}

// checkCompletionExample runs a docs/install.md completion example in its
// shell (named by its first line) with a scratch HOME, then asks a new
// shell, loaded as the example says, to complete "pmprep stri".
func checkCompletionExample(t *testing.T, ex example) {
	shell := strings.TrimSuffix(strings.Fields(ex.text)[1], ":")
	if _, err := exec.LookPath(shell); err != nil {
		if os.Getenv("PMPREP_E2E_REQUIRED") != "" {
			t.Fatalf("%s is not installed; make completion-deps installs it", shell)
		}
		t.Skipf("%s is not installed", shell)
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME=", "XDG_DATA_HOME=")
	var check *exec.Cmd
	switch shell {
	case "bash":
		check = exec.Command("bash", "--norc", "-c", ex.text+"COMP_WORDS=(pmprep stri); COMP_CWORD=1; _pmprep_complete; echo ${COMPREPLY[@]}")
	case "zsh":
		// A zsh after compinit, as the example says; _comps maps a
		// command to its completion function.
		check = exec.Command("zsh", "-f", "-c", "autoload -U compinit && compinit -u -D\n"+ex.text+"print -r -- $_comps[pmprep]")
	case "fish":
		// The example runs once, from any shell; a later fish finds the
		// file by itself.
		setup := exec.Command("bash", "-c", ex.text)
		setup.Env = env
		if out, err := setup.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		check = exec.Command("fish", "-c", "complete -C'pmprep stri'")
	default:
		t.Fatalf("the example's first line names no shell: %q", ex.text)
	}
	check.Env = env
	out, err := check.CombinedOutput()
	want := map[string]string{"bash": "strip\n", "zsh": "_pmprep\n", "fish": "strip\t"}[shell]
	if err != nil || !strings.HasPrefix(string(out), want) {
		t.Errorf("after the example, %s: %v: %q, want %q", shell, err, out, want)
	}
}

// checkGoInstall: the example installs this module's pmprep; run here
// from this checkout (no network), its --version line names the commit.
func checkGoInstall(t *testing.T, ex example) {
	cmds := commands(ex.text)
	if len(cmds) != 2 || cmds[0] != "go install "+modulePath(t)+"/cmd/pmprep@latest" || cmds[1] != "pmprep --version" {
		t.Fatalf("want go install %s/cmd/pmprep@latest and pmprep --version; got %q", modulePath(t), cmds)
	}
	if testing.Short() {
		t.Skip("-short: no go install")
	}
	bin := t.TempDir()
	install := exec.Command("go", "install", "./cmd/pmprep")
	install.Dir = repoRoot
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-buildvcs=true")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "pmprep"), "--version").Output()
	commit := `[0-9a-f]{40}(-dirty)?`
	if fi, err := os.Stat(filepath.Join(repoRoot, ".git")); err != nil || !fi.IsDir() {
		// Go stamps vcs.revision only where .git is a directory: not in
		// a linked git worktree (.git is a file) or an unpacked archive.
		commit = "(" + commit + "|unknown)"
	}
	if err != nil || !regexp.MustCompile(`^pmprep \S+ \(commit `+commit+`, go\S+, \w+/\w+\)\n$`).Match(out) {
		t.Errorf("pmprep --version: %v: %q", err, out)
	}
}
