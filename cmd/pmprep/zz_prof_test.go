package main

import (
	"io"
	"os"
	"testing"
)

func TestZZProf(t *testing.T) {
	f := os.Getenv("PROF_FILE")
	if f == "" {
		t.Skip()
	}
	for i := 0; i < 3; i++ {
		if c := run([]string{"pmprep", "inject", f, "-o", "/tmp/gt/prof_out.json"}, nil, io.Discard, io.Discard); c != 0 {
			t.Fatal(c)
		}
	}
}
