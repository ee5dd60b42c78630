package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes, for every command: the one place they are decided.
const (
	exitOK    = 0 // success, or strip found nothing
	exitFound = 1 // strip changed something, or found something with --check
	exitBad   = 2 // usage error or bad input
	exitBug   = 3 // internal error: a bug in pmprep (a panic), never the input's fault
)

// reportURL is where internal errors are reported.
const reportURL = "https://github.com/pmprep/pmprep/issues"

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// foundError is strip's "found secrets": exit 1, and nothing more to print
// (the findings are already on stderr).
type foundError struct{ n int }

func (e *foundError) Error() string { return fmt.Sprintf("%d secrets found", e.n) }

// reportedError is bad input already reported, in place (strip prints
// each file's error where the file stands among the arguments): exit 2,
// nothing more to print.
type reportedError struct{ n int }

func (e *reportedError) Error() string { return fmt.Sprintf("%d files not processed", e.n) }

// internalError is a panic caught in run: a bug in pmprep.
type internalError struct{ value any }

func (e *internalError) Error() string {
	return fmt.Sprintf("internal error: %v (this is a bug in pmprep; please report it at %s)", e.value, reportURL)
}

// exitCode maps an error to the exit code and prints it once, as one line.
func exitCode(err error, stderr io.Writer, command string) int {
	if err == nil {
		return exitOK
	}
	var found *foundError
	if errors.As(err, &found) {
		return exitFound
	}
	var reported *reportedError
	if errors.As(err, &reported) {
		return exitBad
	}
	prefix := "pmprep: "
	if command != "" {
		prefix += command + ": "
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	var bug *internalError
	if errors.As(err, &bug) {
		fmt.Fprintf(stderr, "%s%s\n", prefix, msg)
		return exitBug
	}
	var usage *usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "%s%s (see %s --help)\n", prefix, msg, strings.TrimSpace("pmprep "+command))
		return exitBad
	}
	// Everything else — bad input (*collection.InputError, *config.Error),
	// unreadable or unwritable files — is exit 2, by the contract.
	fmt.Fprintf(stderr, "%s%s\n", prefix, msg)
	return exitBad
}
