package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"github.com/pmprep/pmprep/collection"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pmprep/pmprep/internal/bench/gen"
)

// Hostile input, run through the real binary (testscript's TestMain puts
// pmprep on PATH): every case exits 2 with one line on stderr naming the
// file, never panics, leaves the input as it was and writes no output and
// no temporary file. bad_input.txtar covers the everyday cases (empty,
// truncated, not JSON, an array, v1, missing file, directory, UTF-16
// without a BOM); this covers the rest of the list in the issue.

// hostileCase is one input; modes says how pmprep meets it.
type hostileCase struct {
	name  string
	input func(t *testing.T, dir string) string // writes the input, returns its name in dir
	want  string                                // regexp for the message after "pmprep: CMD: "
	modes []string                              // "o" (inject -o), "w" (inject -w), "strip"
}

var allModes = []string{"o", "w", "strip"}

func fileWith(name string, data []byte) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
}

const okCollection = `{"info": {"name": "ok", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"name": "r", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}]}, "url": "https://api.example.com"}}]}`

func hostileCases() []hostileCase {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	deepItems := `{"info": {}, "item": ` + strings.Repeat(`[{"item": `, 50000) + "[]" + strings.Repeat("}]", 50000) + "}"
	return []hostileCase{
		{"open brace", fileWith("open.json", []byte("{")), `open\.json:1:2: invalid JSON: unexpected end of input: the file is truncated`, allModes},
		{"JSON string", fileWith("string.json", []byte(`"a collection"`)), `string\.json:1:1: expected a JSON object at the top level, found a string`, allModes},
		{"JSON number", fileWith("number.json", []byte("42\n")), `number\.json:1:1: expected a JSON object at the top level, found a number`, allModes},
		{"no info or item", fileWith("noinfo.json", []byte(`{"name": "x", "id": 3}`)), `noinfo\.json:1:1: not a Postman collection, environment or globals file`, []string{"o", "w"}},
		{"info without item", fileWith("noitem.json", []byte("{\n\t\"info\": {\"name\": \"x\"}\n}")), `noitem\.json:2:10: collection has no "item" array`, allModes},
		{"invalid UTF-8", fileWith("latin1.json", []byte("{\"info\": {\"name\": \"Caf\xe9\"}, \"item\": []}")), `latin1\.json:1:23: invalid UTF-8 \(save the file as UTF-8\)`, allModes},
		{"UTF-16 with BOM", fileWith("utf16.json", []byte("\xff\xfe{\x00}\x00")), `utf16\.json: file is UTF-16 encoded; pmprep reads UTF-8 only \(convert it first`, allModes},
		{"UTF-16 big-endian", fileWith("utf16be.json", []byte("\xfe\xff\x00{\x00}")), `utf16be\.json: file is UTF-16 encoded`, allModes},
		{"BOM only", fileWith("bom.json", []byte("\xef\xbb\xbf")), `bom\.json:1:1: invalid JSON: empty document`, allModes},
		{"BOM twice", fileWith("bom2.json", []byte("\xef\xbb\xbf\xef\xbb\xbf{}")), `bom2\.json:1:1: invalid JSON: unexpected byte 0xef: expected a value`, allModes},
		{"100,000-deep arrays", fileWith("deep.json", []byte(deep)), `deep\.json:1:10001: invalid JSON: nesting deeper than 10000 levels`, allModes},
		{"50,000-deep folders", fileWith("deepitems.json", []byte(deepItems)), `deepitems\.json:1:\d+: invalid JSON: nesting deeper than 10000 levels`, allModes},
		{"NUL bytes", fileWith("nul.json", []byte("{\"info\": {}, \x00\"item\": []}")), `nul\.json:1:14: invalid JSON: unexpected byte 0x00: expected a string key`, allModes},
		{"two documents", fileWith("two.json", []byte(okCollection+"\n"+okCollection)), `two\.json:2:1: invalid JSON: unexpected '\{' after the end of the JSON value`, allModes},
	}
}

func TestHostileInput(t *testing.T) {
	for _, c := range hostileCases() {
		for _, mode := range c.modes {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				dir := t.TempDir()
				name := c.input(t, dir)
				args := map[string][]string{
					"o":     {"inject", name, "-o", "out.json"},
					"w":     {"inject", name, "-w"},
					"strip": {"strip", name},
				}[mode]
				runHostile(t, dir, args, nil, c.want, name)
			})
		}
	}
}

// runHostile runs pmprep in dir and checks the contract for bad input.
func runHostile(t *testing.T, dir string, args []string, stdin *os.File, want string, inputs ...string) {
	t.Helper()
	before := snapshot(t, dir)
	cmd := exec.Command("pmprep", args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	checkBadInput(t, args[0], cmd, err, stdout.String(), stderr.String(), want)
	if after := snapshot(t, dir); !equalSnapshots(before, after) {
		t.Errorf("the directory changed (input modified, or an output or temporary file left):\nbefore %v\nafter  %v", keys(before), keys(after))
	}
}

// checkBadInput asserts exit 2 and one line, "pmprep: COMMAND: " + want.
func checkBadInput(t *testing.T, command string, cmd *exec.Cmd, err error, stdout, stderr, want string) {
	t.Helper()
	if cmd.ProcessState == nil {
		t.Fatalf("did not run: %v", err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 2 {
		t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Fatalf("crashed:\n%s", stderr)
	}
	if strings.Count(stderr, "\n") != 1 {
		t.Errorf("want one line on stderr, got:\n%s", stderr)
	}
	re := regexp.MustCompile(`^pmprep: ` + command + `: ` + want)
	if !re.MatchString(stderr) {
		t.Errorf("stderr %q does not match %q", stderr, re)
	}
	if stdout != "" {
		t.Errorf("partial output on stdout: %.80q", stdout)
	}
}

// snapshot maps each file under dir to its mode and a hash of its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		fi, _ := d.Info()
		m[strings.TrimPrefix(p, dir)] = fmt.Sprintf("%v %x", fi.Mode(), h.Sum(nil))
		return nil
	})
	return m
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestHostileFiles covers what is wrong with the files rather than their
// content: unwritable, read-only, closed or unreadable standard input.
func TestHostileFiles(t *testing.T) {
	t.Run("read-only file with -w", func(t *testing.T) {
		dir := t.TempDir()
		fileWith("ro.json", []byte(okCollection))(t, dir)
		os.Chmod(filepath.Join(dir, "ro.json"), 0o444)
		runHostile(t, dir, []string{"inject", "ro.json", "-w"}, nil, `ro\.json: file is read-only \(make it writable first`)
		runHostile(t, dir, []string{"strip", "ro.json"}, nil, `ro\.json: file is read-only`)
	})
	t.Run("read-only output file", func(t *testing.T) {
		dir := t.TempDir()
		fileWith("ok.json", []byte(okCollection))(t, dir)
		fileWith("out.json", []byte("keep me"))(t, dir)
		os.Chmod(filepath.Join(dir, "out.json"), 0o444)
		runHostile(t, dir, []string{"inject", "ok.json", "-o", "out.json"}, nil, `out\.json: file is read-only`)
	})
	t.Run("output is a directory", func(t *testing.T) {
		dir := t.TempDir()
		fileWith("ok.json", []byte(okCollection))(t, dir)
		os.Mkdir(filepath.Join(dir, "out"), 0o755)
		runHostile(t, dir, []string{"inject", "ok.json", "-o", "out"}, nil, `out: is a directory \(give a file name\)`)
	})
	t.Run("output directory cannot be created", func(t *testing.T) {
		dir := t.TempDir()
		fileWith("ok.json", []byte(okCollection))(t, dir)
		runHostile(t, dir, []string{"inject", "ok.json", "-o", "ok.json/out.json"}, nil, `ok\.json/out\.json: cannot create the output directory: not a directory`)
	})
	t.Run("unwritable output directory", func(t *testing.T) {
		dir := t.TempDir()
		fileWith("ok.json", []byte(okCollection))(t, dir)
		out := filepath.Join(dir, "locked", "out.json")
		os.Mkdir(filepath.Join(dir, "locked"), 0o555)
		if os.Geteuid() == 0 {
			// root writes anywhere chmod allows nothing; sysfs refuses even root.
			out = "/sys/pmprep-out.json"
			if f, err := os.Create(out); err == nil {
				f.Close()
				os.Remove(out)
				t.Skip("running as root and /sys is writable: no unwritable directory to test with")
			}
		}
		runHostile(t, dir, []string{"inject", "ok.json", "-o", out}, nil, regexp.QuoteMeta(out)+`: cannot write: (permission denied|read-only file system)`)
	})
	t.Run("stdin closed", func(t *testing.T) {
		if _, err := exec.LookPath("sh"); err != nil {
			t.Skip("no sh")
		}
		for _, command := range []string{"inject", "strip"} {
			dir := t.TempDir()
			cmd := exec.Command("sh", "-c", "exec pmprep "+command+" - <&-")
			cmd.Dir = dir
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			// Go reopens a closed standard input on /dev/null: an empty file.
			checkBadInput(t, command, cmd, err, stdout.String(), stderr.String(), `-: file is empty`)
		}
	})
	t.Run("stdin unreadable", func(t *testing.T) {
		dir := t.TempDir()
		d, err := os.Open(dir) // reading a directory fails with EISDIR
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		runHostile(t, dir, []string{"inject", "-"}, d, `-: cannot read standard input: .*is a directory`)
	})
}

// generateEnv makes the test binary write a generated collection and exit
// ("N:PATH"): peak RSS is measured with wait4, and a child started by a
// process reports at least that process's own peak, so the test process
// must not hold the collection itself.
const generateEnv = "PMPREP_TEST_GENERATE"

func init() {
	spec := os.Getenv(generateEnv)
	if spec == "" {
		return
	}
	n, path, _ := strings.Cut(spec, ":")
	requests, err := strconv.Atoi(n)
	if err == nil {
		err = os.WriteFile(path, gen.Collection(requests, 1), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// generate writes a collection of n requests to path, in a child process.
func generate(t *testing.T, n int, path string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d:%s", generateEnv, n, path))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generating %s: %v\n%s", path, err, out)
	}
}

func TestMain150MB(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no 150 MB file")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	generate(t, 96000, big)
	fi, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() < 140e6 {
		t.Fatalf("generated %d bytes, want about 150 MB", fi.Size())
	}

	t.Run("valid, in bounded memory", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out.json")
		cmd := exec.Command("pmprep", "inject", big, "-o", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%.300s", err, stderr.String())
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		rss := ru.Maxrss * 1024
		t.Logf("peak RSS %d MB for a %d MB file", rss>>20, fi.Size()>>20)
		if rss > 3*fi.Size() {
			t.Errorf("peak RSS %d MB for a %d MB file: more than 3x", rss>>20, fi.Size()>>20)
		}
		if data, err := os.ReadFile(out); err != nil || !json.Valid(data) {
			t.Fatalf("output not valid JSON (%v)", err)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		dir := t.TempDir()
		cut := filepath.Join(dir, "cut.json")
		if err := os.Rename(big, cut); err != nil {
			t.Fatal(err)
		}
		size := fi.Size() - 100
		if err := os.Truncate(cut, size); err != nil {
			t.Fatal(err)
		}
		lines := countLines(t, cut)
		for _, args := range [][]string{{"inject", "cut.json", "-w"}, {"inject", "cut.json", "-o", "out.json"}, {"strip", "cut.json"}} {
			runHostile(t, dir, args, nil, fmt.Sprintf(`cut\.json:%d:\d+: invalid JSON: unexpected end of input: the file is truncated`, lines))
		}
	})
}

func countLines(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 1
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err != nil {
			return n
		}
	}
}

// TestKillDuringWrite kills pmprep inject -w at random moments on a large
// file: whenever it dies, the file holds either the old bytes or the new
// ones, never a part.
func TestKillDuringWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	old := gen.Collection(20000, 1) // ~30 MB: long enough to be caught writing
	path := filepath.Join(dir, "api.json")
	expected := filepath.Join(dir, "expected.json")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if out, err := exec.Command("pmprep", "inject", path, "-o", expected).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%.300s", err, out)
	}
	runtime := time.Since(start)
	want, err := os.ReadFile(expected)
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d, one run takes %v", seed, runtime)
	var killed, oldSeen, newSeen int
	for i := 0; i < 25; i++ {
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("pmprep", "inject", path, "-w")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(runtime) * 5 / 4)))
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			killed++
		}
		cmd.Wait()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		switch {
		case bytes.Equal(got, old):
			oldSeen++
		case bytes.Equal(got, want):
			newSeen++
		default:
			t.Fatalf("run %d: after SIGKILL the file is neither the old nor the new content (%d bytes; old %d, new %d)", i, len(got), len(old), len(want))
		}
		// A kill between creating and renaming the temporary file leaves
		// it behind (nothing runs after SIGKILL); it is never the file.
		tmps, _ := filepath.Glob(filepath.Join(dir, ".api.json.pmprep-*"))
		for _, tmp := range tmps {
			os.Remove(tmp)
		}
	}
	t.Logf("%d runs killed: file old %d times, new %d times", killed, oldSeen, newSeen)
	if oldSeen == 0 {
		t.Errorf("no run was killed before it finished: the test proved nothing")
	}
}

var faultSink byte

// TestMappedInputTruncated: inject maps a large input; if the file is
// truncated under it, reading faults, and that is an error, not a crash.
func TestMappedInputTruncated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.json")
	if err := os.WriteFile(path, bytes.Repeat([]byte(" "), mapMin+4096), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := readInputMapped(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	err = func() (err error) {
		defer onFault(path, &err)()
		faultSink = data[len(data)-1] // beyond the end of the file now
		return nil
	}()
	if err == nil {
		t.Skip("the file was read, not mapped, on this system")
	}
	if !strings.Contains(err.Error(), "the file changed while pmprep was reading it") {
		t.Errorf("got %v", err)
	}
}

// TestMappedInputTruncatedDuringParse: Parse validates a large file on
// another goroutine, which SetPanicOnFault on the caller's goroutine does
// not cover; a file truncated while that goroutine reads it must still
// give the error, not kill the process (and every other file's report).
func TestMappedInputTruncatedDuringParse(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: slow")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "big.postman_collection.json")
	var b bytes.Buffer
	b.WriteString(`{"info": {"name": "big", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [`)
	for i := 0; b.Len() < 48<<20; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"name": "r%d", "request": {"method": "GET", "url": "https://api.test/%d"}}`, i, i)
	}
	b.WriteString("]}\n")
	faults := 0
	for i := range 8 {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := readInputMapped(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Cut the file while Parse runs: past its first bytes, which Parse
		// reads on this goroutine before it starts the validator.
		go func() {
			time.Sleep(time.Duration(2+i*3) * time.Millisecond)
			os.Truncate(path, 4096)
		}()
		err = func() (err error) {
			defer onFault(path, &err)()
			_, err = collection.Parse(path, data)
			return err
		}()
		time.Sleep(30 * time.Millisecond) // let the truncation land before the next round
		switch {
		case err == nil: // Parse finished first
		case strings.Contains(err.Error(), "the file changed while pmprep was reading it"):
			faults++
		default:
			t.Errorf("got %v", err)
		}
	}
	if faults == 0 {
		t.Skip("no run faulted: the file was read, not mapped, or Parse always finished first")
	}
}
