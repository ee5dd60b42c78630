package script

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// needNode returns the node binary, skipping the test when there is none,
// except on CI, where a missing node is a failure.
func needNode(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the JavaScript checks run in make test")
	}
	path, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node is required on CI: %v", err)
		}
		t.Skip("node not found; skipping JavaScript checks")
	}
	return path
}

// checker is one long-lived node process running testdata/checkjs.js, so
// that fuzzing does not pay a node start-up per input.
type checker struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	checkerOnce sync.Once
	theChecker  *checker
	checkerErr  error
)

type checkAnswer struct {
	Settings json.RawMessage `json:"settings"`
	TestVars []string        `json:"testVars"`
	Error    string          `json:"error"`
}

func jsChecker(t testing.TB) *checker {
	t.Helper()
	node := needNode(t)
	checkerOnce.Do(func() {
		cmd := exec.Command(node, "testdata/checkjs.js")
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			checkerErr = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			checkerErr = err
			return
		}
		if checkerErr = cmd.Start(); checkerErr == nil {
			theChecker = &checker{in: in, out: bufio.NewReaderSize(out, 1<<20)}
		}
	})
	if checkerErr != nil {
		t.Fatalf("starting node: %v", checkerErr)
	}
	return theChecker
}

// check compiles the rendered scripts in node and returns what the
// embedding lines evaluate to.
func (c *checker) check(t testing.TB, r Rendered) checkAnswer {
	t.Helper()
	req, err := json.Marshal(map[string]string{"pre": joinLines(r.PreRequest), "test": joinLines(r.Test)})
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.in.Write(append(req, '\n')); err != nil {
		t.Fatalf("writing to node: %v", err)
	}
	line, err := c.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("reading from node: %v", err)
	}
	var a checkAnswer
	if err := json.Unmarshal(line, &a); err != nil {
		t.Fatalf("node answered %q: %v", line, err)
	}
	return a
}

func joinLines(lines []string) string {
	if lines == nil {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}
