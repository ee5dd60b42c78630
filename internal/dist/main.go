package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pmprep/pmprep"
)

func main() {
	var (
		version   = flag.String("version", pmprep.Version, "the version to stamp and name the archives by")
		commit    = flag.String("commit", "", "the commit to stamp (default: git rev-parse HEAD, with -dirty when tracked files changed)")
		out       = flag.String("out", "build/dist", "where the archives and SHA256SUMS go")
		platforms = flag.String("platforms", strings.Join(Platforms, ","), "GOOS/GOARCH list")
	)
	flag.Parse()
	if err := run(*version, *commit, *out, *platforms); err != nil {
		fmt.Fprintf(os.Stderr, "dist: %v\n", err)
		os.Exit(2)
	}
}

func run(version, commit, out, platforms string) error {
	if flag.NArg() > 0 {
		return fmt.Errorf("no arguments expected (got %q); see -h", flag.Arg(0))
	}
	if commit == "" {
		var err error
		if commit, err = headCommit("."); err != nil {
			return err
		}
	}
	t, err := sourceTime(".")
	if err != nil {
		return err
	}
	_, err = Build(Options{
		Dir: ".", Out: out, Version: strings.TrimPrefix(version, "v"), Commit: commit, Time: t,
		Platforms: strings.Split(platforms, ","), Extra: []string{"README.md"}, Log: os.Stdout,
	})
	return err
}

// headCommit is dir's checked-out commit, "-dirty" when a tracked file
// differs from it (an untracked file changes nothing that is built).
func headCommit(dir string) (string, error) {
	rev, err := git(dir, "rev-parse", "HEAD")
	if err != nil {
		return "", fmt.Errorf("no commit to stamp (%v): run in a git checkout or give -commit", err)
	}
	status, err := git(dir, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return "", err
	}
	if status != "" {
		rev += "-dirty"
	}
	return rev, nil
}

// sourceTime dates the archive entries: SOURCE_DATE_EPOCH when set (the
// reproducible-builds convention), else the commit's time.
func sourceTime(dir string) (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		var err error
		if s, err = git(dir, "log", "-1", "--format=%ct"); err != nil {
			return time.Time{}, fmt.Errorf("no time for the archive entries (%v): set SOURCE_DATE_EPOCH", err)
		}
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970", s)
	}
	return time.Unix(sec, 0).UTC(), nil
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
