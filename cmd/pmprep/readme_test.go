package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestEveryFlagIsDocumented keeps README honest: each flag and its
// PMPREP_* variable must be named there.
func TestEveryFlagIsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	for _, cmd := range app.Commands {
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			if !strings.Contains(string(readme), "--"+name) && !strings.Contains(string(readme), "-"+name+" ") {
				t.Errorf("pmprep %s --%s is not in README.md", cmd.Name, name)
			}
			for _, env := range envVar(name) {
				if !strings.Contains(string(readme), env) {
					t.Errorf("%s (pmprep %s --%s) is not in README.md", env, cmd.Name, name)
				}
			}
		}
	}
}

// TestReadmeGitHookIsTheTestedOne: the plain git hook the README shows is
// the script strip's end-to-end test runs (testdata/strip/pre-commit.sh).
func TestReadmeGitHookIsTheTestedOne(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	hook, err := os.ReadFile("../../testdata/strip/pre-commit.sh")
	if err != nil {
		t.Fatal(err)
	}
	var code []string
	for _, l := range strings.Split(string(hook), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			code = append(code, l)
		}
	}
	if !strings.Contains(string(readme), strings.Join(code, "\n")) {
		t.Errorf("README's plain git hook differs from testdata/strip/pre-commit.sh")
	}
}
