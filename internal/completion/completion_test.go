package completion

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostile is a description that breaks a script quoting it wrong: quotes
// of every shell, brackets zsh's _arguments reads, a command substitution.
const hostile = `it's "quoted" [x] \n $(touch pwned) ` + "`touch pwned`"

// testProgram is shaped like pmprep's command line.
func testProgram() Program {
	file := &Value{Kind: KindFile, Name: "FILE"}
	return Program{
		Name:  "pmprep",
		Flags: []Flag{{Names: []string{"help", "h"}, Usage: "show help"}, {Names: []string{"version", "v"}, Usage: "print the version"}},
		Commands: []Command{
			{Name: "inject", Usage: "add a script", Args: Value{Kind: KindFile, Name: "COLLECTION"}, Flags: []Flag{
				{Names: []string{"output", "o"}, Usage: "write to `FILE`", Value: file},
				{Names: []string{"write", "w"}, Usage: "rewrite in place"},
				{Names: []string{"grant"}, Usage: hostile, Value: &Value{Kind: KindChoice, Name: "GRANT", Choices: []string{"client_credentials", "refresh_token", "password"}}},
				{Names: []string{"scope"}, Usage: "scope", Value: &Value{Kind: KindText}},
				{Names: []string{"param"}, Usage: "a parameter", Repeatable: true, Value: &Value{Kind: KindText}},
			}},
			{Name: "envs", Usage: hostile, Flags: []Flag{
				{Names: []string{"dir", "d"}, Usage: "into `DIR`", Value: &Value{Kind: KindDir, Name: "DIR"}},
			}},
			{Name: "strip", Usage: "blank secrets", Args: Value{Kind: KindFile}, Flags: []Flag{
				{Names: []string{"check"}, Usage: "report only"},
				{Names: []string{"config"}, Usage: "config", Value: file},
			}},
			{Name: "completion", Usage: "print a script", Args: Value{Kind: KindChoice, Choices: Shells}},
		},
	}
}

// completionCase is a command line typed up to the cursor, and what the
// shell must offer (want) and must not (not).
type completionCase struct {
	line      string
	want, not []string
}

var completionCases = []completionCase{
	{line: "pmprep ", want: []string{"inject", "envs", "strip", "completion"}},
	{line: "pmprep inj", want: []string{"inject"}, not: []string{"envs"}},
	{line: "pmprep -", want: []string{"--help", "--version"}, not: []string{"--output"}},
	{line: "pmprep inject --", want: []string{"--output", "--write", "--grant", "--scope", "--param"}, not: []string{"--check", "--dir"}},
	{line: "pmprep inject --grant ", want: []string{"client_credentials", "refresh_token", "password"}, not: []string{"api.postman_collection.json"}},
	{line: "pmprep inject --grant=re", want: []string{"refresh_token"}, not: []string{"password"}},
	{line: "pmprep inject -o out.json --gr", want: []string{"--grant"}},
	{line: "pmprep inject --scope ", not: []string{"api.postman_collection.json", "--output"}},
	{line: "pmprep inject ", want: []string{"api.postman_collection.json", "my file.json"}},
	{line: "pmprep inject -o ", want: []string{"api.postman_collection.json", "sub"}},
	{line: "pmprep envs -d ", want: []string{"sub"}, not: []string{"api.postman_collection.json"}},
	{line: "pmprep strip --", want: []string{"--check", "--config"}, not: []string{"--grant", "--output"}},
	{line: "pmprep completion ", want: []string{"bash", "zsh", "fish"}, not: []string{"api.postman_collection.json"}},
}

// workDir is where completion runs: a file with a space, a collection and
// a directory to offer.
func workDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"api.postman_collection.json", "my file.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func script(t *testing.T, shell string, p Program) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, shell, p); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pmprep."+shell)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// needShell skips a test when shell is not installed, unless
// PMPREP_E2E_REQUIRED says every tool must be there (make test).
func needShell(t *testing.T, shell string) {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		if os.Getenv("PMPREP_E2E_REQUIRED") != "" {
			t.Fatalf("%s is not installed; make completion-deps installs it", shell)
		}
		t.Skipf("%s is not installed (make completion-deps installs it)", shell)
	}
}

// checkCases compares each case's offers (complete returns them per case).
func checkCases(t *testing.T, dir string, complete func(lines []string) [][]string) {
	t.Helper()
	var lines []string
	for _, c := range completionCases {
		lines = append(lines, c.line)
	}
	got := complete(lines)
	for i, c := range completionCases {
		offers := map[string]bool{}
		for _, o := range got[i] {
			offers[normalize(c.line, o)] = true
		}
		for _, w := range c.want {
			if !offers[w] {
				t.Errorf("%q: %q not offered; got %q", c.line, w, got[i])
			}
		}
		for _, n := range c.not {
			if offers[n] {
				t.Errorf("%q: %q offered; got %q", c.line, n, got[i])
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("a description was executed as a command")
	}
}

// normalize makes the shells' spellings of one offer comparable: fish's
// description after a tab, fish's "--flag=" prefix, zsh's backslash
// quoting, a directory's trailing slash.
func normalize(line, offer string) string {
	offer, _, _ = strings.Cut(offer, "\t")
	words := strings.Fields(line)
	if last := words[len(words)-1]; !strings.HasSuffix(line, " ") && strings.Contains(last, "=") {
		offer = strings.TrimPrefix(offer, last[:strings.Index(last, "=")+1])
	}
	offer = strings.ReplaceAll(offer, `\`, "")
	return strings.TrimSuffix(offer, "/")
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out)
}

// bashWords splits a line as bash's completion does: at blanks, and
// around "=" (which is in COMP_WORDBREAKS); a trailing blank starts an
// empty word.
func bashWords(line string) []string {
	var words []string
	for _, f := range strings.Fields(line) {
		if name, value, ok := strings.Cut(f, "="); ok {
			words = append(words, name, "=", value)
		} else {
			words = append(words, f)
		}
	}
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	return words
}

// bashQuote is s as one single-quoted bash word.
func bashQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestBash(t *testing.T) {
	needShell(t, "bash")
	dir := workDir(t)
	path := script(t, "bash", testProgram())
	if got := run(t, dir, "bash", "--norc", "-c", "source "+bashQuote(path)+" && complete -p pmprep"); got != "complete -F _pmprep_complete pmprep\n" {
		t.Errorf("complete -p pmprep: %q", got)
	}
	checkCases(t, dir, func(lines []string) [][]string {
		// One bash for every line: set COMP_* as bash does, call the
		// function, print COMPREPLY, then a separator.
		var s strings.Builder
		s.WriteString("source " + bashQuote(path) + "\n")
		for _, l := range lines {
			var quoted []string
			for _, w := range bashWords(l) {
				quoted = append(quoted, bashQuote(w))
			}
			s.WriteString("COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=" + bashQuote(l) + "; COMP_POINT=${#COMP_LINE}\n")
			s.WriteString("_pmprep_complete; printf '%s\\n' \"${COMPREPLY[@]}\"; echo '<end>'\n")
		}
		return split(run(t, dir, "bash", "--norc", "-c", s.String()), "<end>\n", len(lines))
	})
}

func split(out, sep string, n int) [][]string {
	parts := strings.Split(out, sep)
	res := make([][]string, n)
	for i := 0; i < n && i < len(parts); i++ {
		res[i] = strings.FieldsFunc(parts[i], func(r rune) bool { return r == '\n' })
	}
	return res
}

func TestFish(t *testing.T) {
	needShell(t, "fish")
	dir := workDir(t)
	path := script(t, "fish", testProgram())
	checkCases(t, dir, func(lines []string) [][]string {
		var s strings.Builder
		s.WriteString("source " + fishQuote(path) + "\n")
		for _, l := range lines {
			s.WriteString("complete -C" + fishQuote(l) + "; echo '<end>'\n")
		}
		return split(run(t, dir, "fish", "--no-config", "-c", s.String()), "<end>\n", len(lines))
	})
	// Descriptions arrive intact, whatever they hold.
	out := run(t, dir, "fish", "--no-config", "-c", "source "+fishQuote(path)+"; complete -C'pmprep inject --gr'")
	if !strings.Contains(out, "--grant\t"+oneLine(hostile)) {
		t.Errorf("the --grant description did not survive quoting:\n%s", out)
	}
}

// zshDriver completes each line in an interactive zsh on a pseudo-terminal
// (zsh/zpty) with compinit, as a user pressing TAB: a compadd wrapper
// writes the matches of line n to OUT.n.
const zshDriver = `
zmodload zsh/zpty || exit 3
script=$1 dir=$2 out=$3
shift 3
zpty z zsh -f -i
zpty -w z "PS1='' RPS1=''; bindkey -e; unsetopt AUTO_LIST AUTO_MENU BEEP LIST_BEEP; autoload -U compinit && compinit -u -D"
zpty -w z "source ${(q)script}"
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) && print -rl -- $__hits >> $__out; builtin compadd "$@"; }'
zpty -w z '_capture() { zle complete-word; print done > $__out.done; }; zle -N _capture; bindkey "^I" _capture'
zpty -w z "cd ${(q)dir}"
n=0
for line; do
  (( n++ ))
  : > $out.$n
  zpty -w z "__out=${(q)out}.$n"
  zpty -w -n z "$line"$'\t'
  for i in {1..500}; do
    [[ -e $out.$n.done ]] && break
    zpty -rt z junk 2>/dev/null
    sleep 0.02
  done
  [[ -e $out.$n.done ]] || { print -u2 "timed out completing: $line"; zpty -d z; exit 4 }
  zpty -w -n z $'\C-u'
done
zpty -d z
`

func TestZsh(t *testing.T) {
	needShell(t, "zsh")
	dir := workDir(t)
	path := script(t, "zsh", testProgram())
	checkCases(t, dir, func(lines []string) [][]string {
		return zshComplete(t, path, dir, lines)
	})
	// Saved in $fpath as _pmprep, compinit autoloads it (the #compdef line).
	fpath := t.TempDir()
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(filepath.Join(fpath, "_pmprep"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, dir, "zsh", "-f", "-c", "fpath=("+bashQuote(fpath)+" $fpath); autoload -U compinit && compinit -u -D; print -r -- $_comps[pmprep]")
	if out != "_pmprep\n" {
		t.Errorf("from $fpath, compinit registered %q for pmprep", out)
	}
}

func zshComplete(t *testing.T, path, dir string, lines []string) [][]string {
	t.Helper()
	drv := filepath.Join(t.TempDir(), "driver.zsh")
	if err := os.WriteFile(drv, []byte(zshDriver), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	run(t, dir, "zsh", append([]string{"-f", drv, path, dir, out}, lines...)...)
	res := make([][]string, len(lines))
	for i := range lines {
		data, err := os.ReadFile(out + "." + strconv.Itoa(i+1))
		if err != nil {
			t.Fatal(err)
		}
		res[i] = strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
		sort.Strings(res[i])
	}
	return res
}

func TestWriteRefuses(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "tcsh", testProgram()); err == nil || !strings.Contains(err.Error(), `unknown shell "tcsh"`) {
		t.Errorf("tcsh: %v", err)
	}
	p := testProgram()
	p.Commands[0].Flags[0].Names = []string{"out;rm -rf x"}
	if err := Write(&b, "bash", p); err == nil || !strings.Contains(err.Error(), "not a plain word") {
		t.Errorf("a flag name with shell syntax: %v", err)
	}
	p = testProgram()
	p.Commands[3].Args.Choices = []string{"$(x)"}
	if err := Write(&b, "zsh", p); err == nil {
		t.Error("a choice with shell syntax was accepted")
	}
	if b.Len() != 0 {
		t.Error("a refused program wrote something")
	}
}

// TestDeterministic: the same program gives the same bytes (a packager
// may commit the output).
func TestDeterministic(t *testing.T) {
	for _, sh := range Shells {
		var a, b bytes.Buffer
		if err := Write(&a, sh, testProgram()); err != nil {
			t.Fatal(err)
		}
		if err := Write(&b, sh, testProgram()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two runs differ", sh)
		}
	}
}
