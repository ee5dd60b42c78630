package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the real pmprep command inside the test
// binary (rogpeppe/go-internal/testscript: one .txtar script per behaviour,
// with files, stdin, exit codes and byte comparisons).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pmprep": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
