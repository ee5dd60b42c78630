package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// strip may be given many large files: each is mapped while its worker
// reads it and unmapped when the worker is done, so memory does not grow
// with the total size of the input. /proc/self/maps shows what is mapped.
func TestStripReleasesMappedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: slow")
	}
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString(`{"info": {"name": "big", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [`)
	for i := 0; b.Len() < mapMin+(1<<20); i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"name": "r%d", "request": {"method": "GET", "header": [{"key": "Authorization", "value": "Bearer fake-token-%d"}], "url": "https://api.test/%d"}}`, i, i, i)
	}
	b.WriteString("]}\n")
	var files []string
	for i := range 4 {
		f := filepath.Join(dir, fmt.Sprintf("c%d.postman_collection.json", i))
		if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// A bad file among them: its error message must survive the unmapping.
	bad := filepath.Join(dir, "bad.postman_collection.json")
	if err := os.WriteFile(bad, append(bytes.TrimSuffix(b.Bytes(), []byte("]}\n")), []byte(`, {"name": "x", "name": "y"}]}`)...), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, bad)
	for _, check := range []bool{true, false} {
		var stderr bytes.Buffer
		err := stripFiles(stripArgs{files: files, check: check}, nil, io.Discard, &stderr)
		var reported *reportedError
		if !errors.As(err, &reported) || !strings.Contains(stderr.String(), `duplicate key "name"`) {
			t.Fatalf("check=%v: got %v and %q, want the bad file's duplicate-key error reported", check, err, stderr.String())
		}
		maps, rerr := os.ReadFile("/proc/self/maps")
		if rerr != nil {
			t.Skip("no /proc/self/maps:", rerr)
		}
		if strings.Contains(string(maps), dir) {
			t.Errorf("check=%v: a strip input is still mapped:\n%s", check, grepLines(string(maps), dir))
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestFaultOutsideMappedInputIsABug: onFault turns a fault into "the file
// changed" only inside a mapped input; any other fault is re-raised, for
// run to report as an internal error (exit 3).
func TestFaultOutsideMappedInputIsABug(t *testing.T) {
	page := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip("mmap:", err)
	}
	if err := syscall.Munmap(mem); err != nil {
		t.Fatal(err)
	}
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		var err error
		func() {
			defer onFault("api.json", &err)()
			faultSink = mem[0] // unmapped, and not an input
		}()
		t.Errorf("the fault became an error: %v", err)
	}()
	if _, ok := recovered.(interface{ Addr() uintptr }); !ok {
		t.Fatalf("got %v, want the fault re-raised", recovered)
	}
	var out, errOut bytes.Buffer
	testHookAction = func(string) {
		var err error
		defer onFault("api.json", &err)()
		faultSink = mem[0]
	}
	defer func() { testHookAction = nil }()
	if code := run([]string{"pmprep", "inject", "api.json"}, strings.NewReader(""), &out, &errOut); code != exitBug || !strings.Contains(errOut.String(), "internal error: ") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}
