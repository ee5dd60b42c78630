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
