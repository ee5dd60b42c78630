package collection

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A mapped file truncated while the validating goroutine reads it: the
// fault comes back as a value (Parse re-raises it on the caller's
// goroutine, where the caller's fault handling is), never a crash.
func TestCheckTextFaultSafe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	body := []byte("[" + strings.Repeat(`"x",`, 1<<18) + `"x"]`)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, len(body), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(data)
	if err := checkTextFaultSafe(data); err != nil {
		t.Fatalf("intact file: %v", err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	var mf *memoryFault
	if err := checkTextFaultSafe(data); !errors.As(err, &mf) {
		t.Fatalf("truncated file: got %v, want a memory fault", err)
	}
}
