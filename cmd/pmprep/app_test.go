package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/pmprep/pmprep/collection"
)

func runIn(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"pmprep"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestHelpCommand: "pmprep help CMD" is "pmprep CMD --help", for every
// command, and not the top-level help.
func TestHelpCommand(t *testing.T) {
	_, top, _ := runIn("--help")
	for _, cmd := range newApp(nil, io.Discard, io.Discard).Commands {
		code, got, stderr := runIn("help", cmd.Name)
		if code != exitOK || stderr != "" {
			t.Errorf("pmprep help %s: exit %d, stderr %q", cmd.Name, code, stderr)
		}
		_, want, _ := runIn(cmd.Name, "--help")
		if got != want {
			t.Errorf("pmprep help %s differs from pmprep %s --help:\n%s\nwant\n%s", cmd.Name, cmd.Name, got, want)
		}
		if got == top || !strings.Contains(got, "pmprep "+cmd.Name) {
			t.Errorf("pmprep help %s shows:\n%s", cmd.Name, got)
		}
	}
	if code, _, stderr := runIn("help", "nope"); code != exitBad || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("pmprep help nope: exit %d, stderr %q", code, stderr)
	}
	if code, got, _ := runIn("help"); code != exitOK || got != top {
		t.Errorf("pmprep help: exit %d, not the top-level help:\n%s", code, got)
	}
}

// TestNoArguments: a usage error, exit 2, the usage on stderr.
func TestNoArguments(t *testing.T) {
	code, stdout, stderr := runIn()
	if code != exitBad {
		t.Errorf("exit %d, want %d", code, exitBad)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}
	for _, want := range []string{"USAGE", "inject", "envs", "strip"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestPanicIsInternalError: a panic inside a command exits 3 with one line
// that says so, never 2 (bad input).
func TestPanicIsInternalError(t *testing.T) {
	for _, cmd := range []string{"inject", "envs", "strip"} {
		testHookAction = func(string) { panic("boom") }
		code, stdout, stderr := runIn(cmd, "x.json")
		testHookAction = nil
		if code != exitBug {
			t.Errorf("%s: exit %d, want %d", cmd, code, exitBug)
		}
		want := "pmprep: " + cmd + ": internal error: boom (this is a bug in pmprep; please report it at " + reportURL + ")\n"
		if stderr != want || stdout != "" {
			t.Errorf("%s: stderr %q, stdout %q; want stderr %q", cmd, stderr, stdout, want)
		}
	}
	testHookAction = func(string) {
		var m map[string]int
		m["x"] = 1 // a runtime error
	}
	defer func() { testHookAction = nil }()
	if code, _, stderr := runIn("strip", "x.json"); code != exitBug || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "internal error: assignment to entry in nil map") {
		t.Errorf("runtime error: exit %d, stderr %q", code, stderr)
	}
}

func TestExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{&foundError{3}, exitFound},
		{usagef("bad flag"), exitBad},
		{&collection.InputError{File: "a.json", Msg: "file is empty"}, exitBad},
		{errors.New("a.json: cannot read: permission denied"), exitBad},
		{&internalError{value: "boom"}, exitBug},
	} {
		if got := exitCode(c.err, io.Discard, "inject"); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
