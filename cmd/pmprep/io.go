package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"
)

// maxInput bounds what pmprep reads: far above the largest real collection
// (tens of MB), low enough that a wrong file cannot exhaust memory.
const maxInput = 1 << 30

// readInput reads a file, or stdin for "-". Errors name the file and say
// what to do.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	data, _, err := readInputAs(name, stdin, false)
	return data, err
}

// mapMin is the size from which readInputMapped maps a file.
const mapMin = 4 << 20

// readInputMapped is readInput, but a large regular file is mapped into
// memory (see mapFile), not read. Run the code that reads the result
// under onFault.
func readInputMapped(name string, stdin io.Reader) ([]byte, error) {
	data, _, err := readInputAs(name, stdin, true)
	return data, err
}

// readInputReleased is readInputMapped for a caller that handles many
// files: release unmaps a mapped file (and does nothing otherwise). After
// it nothing that points into data may be used — not even an error
// message built from the Document — so copy what outlives it first.
func readInputReleased(name string, stdin io.Reader) (data []byte, release func(), err error) {
	data, mapped, err := readInputAs(name, stdin, true)
	if !mapped {
		return data, func() {}, err
	}
	return data, func() { unmapFile(data) }, nil
}

// onFault turns the memory fault of reading a mapped file that was
// truncated meanwhile into an error, instead of a crash:
// defer onFault(name, &err)().
func onFault(name string, err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			// Only a fault inside a mapped input is the file's doing; any
			// other panic or fault is a bug (run makes it exit 3).
			f, ok := r.(interface{ Addr() uintptr })
			if !ok || !inMapping(f.Addr()) {
				panic(r)
			}
			*err = fmt.Errorf("%s: the file changed while pmprep was reading it (run pmprep again)", name)
		}
	}
}

// mappings are the address ranges of the inputs mapped by mapFile (whole
// pages): a fault there means the file shrank under pmprep.
var mappings struct {
	sync.Mutex
	ranges map[uintptr]uintptr // start -> end
}

func addMapping(data []byte) {
	if len(data) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	page := uintptr(os.Getpagesize())
	end := (start + uintptr(len(data)) + page - 1) &^ (page - 1)
	mappings.Lock()
	defer mappings.Unlock()
	if mappings.ranges == nil {
		mappings.ranges = map[uintptr]uintptr{}
	}
	mappings.ranges[start] = end
}

func removeMapping(data []byte) {
	if len(data) == 0 {
		return
	}
	mappings.Lock()
	defer mappings.Unlock()
	delete(mappings.ranges, uintptr(unsafe.Pointer(unsafe.SliceData(data))))
}

func inMapping(addr uintptr) bool {
	mappings.Lock()
	defer mappings.Unlock()
	for start, end := range mappings.ranges {
		if start <= addr && addr < end {
			return true
		}
	}
	return false
}

func readInputAs(name string, stdin io.Reader, mapLarge bool) (data []byte, mapped bool, err error) {
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
		if err != nil {
			return nil, false, fmt.Errorf("-: cannot read standard input: %v", err)
		}
		return data, false, checkSize("-", int64(len(data)))
	}
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("%s: no such file (check the path)", name)
	case err != nil:
		return nil, false, fmt.Errorf("%s: %v", name, unwrapPath(err))
	case fi.IsDir():
		return nil, false, fmt.Errorf("%s: is a directory (%s)", name, directoryHint(name))
	}
	if err := checkSize(name, fi.Size()); err != nil {
		return nil, false, err // refused before reading a byte
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, false, fmt.Errorf("%s: cannot open: %v", name, unwrapPath(err))
	}
	defer f.Close()
	if mapLarge && fi.Mode().IsRegular() && fi.Size() >= mapMin {
		if data, ok := mapFile(f, fi.Size()); ok {
			return data, true, nil
		}
	}
	data, err = readAll(f, fi.Size())
	if err != nil {
		return nil, false, fmt.Errorf("%s: cannot read: %v", name, unwrapPath(err))
	}
	return data, false, checkSize(name, int64(len(data)))
}

// readAll reads r to the end, at most maxInput+1 bytes, into one buffer
// sized from the file's size: io.ReadAll would grow it step by step, and
// on a 60 MB file allocate and copy twice that.
func readAll(r io.Reader, size int64) ([]byte, error) {
	data := make([]byte, 0, min(size, maxInput)+1) // +1: the read that sees EOF needs no growth
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) > maxInput {
			return data, nil
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew while being read
		}
	}
}

func checkSize(name string, n int64) error {
	if n > maxInput {
		return fmt.Errorf("%s: larger than %d MiB (is this a Postman export?)", name, maxInput>>20)
	}
	return nil
}

// writeFile writes data to path through a temporary file in the same
// directory, synced and renamed over path, so a reader (or a crash) never
// sees a half-written file. An existing file keeps its mode and a new one
// gets mode; forceMode applies mode even to an existing file (files
// holding secrets are always 0600).
func writeFile(path string, data []byte, mode fs.FileMode, forceMode bool) error {
	return writeFileFrom(path, mode, forceMode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// hardLinkError refuses to replace a file with n hard links (name as the
// user gave it, path the file itself, through a symlink). Its advice
// changes the content every name shares, so no name keeps the secret:
// replacing one name by a copy would leave the others holding it.
func hardLinkError(name, path string, n uint64) error {
	q, copy := shellQuote(name), shellQuote(name+".copy")
	return fmt.Errorf("%s: has %d hard links, which writing a new file would break: the other names (find . -samefile %s lists them) would keep the old content; "+
		"change the content they share instead: cp %s %s, run pmprep on %s, then cat %s >%s && rm %s",
		name, n, shellQuote(path), q, copy, copy, copy, q, copy)
}

// shellQuote quotes name for a POSIX shell when it needs quotes (a space,
// a quote, a glob character), and puts ./ before a relative name starting
// with "-", so advice can be pasted as it is.
func shellQuote(name string) string {
	if strings.HasPrefix(name, "-") {
		name = "./" + name
	}
	plain := name != ""
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./-+@%:,=", r)) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
}

// writeFileFrom is writeFile with the content written by fill, so that a
// large result is streamed to the temporary file instead of being built in
// memory first.
func writeFileFrom(path string, mode fs.FileMode, forceMode bool, fill func(io.Writer) error) (err error) {
	name := path // messages name the file as the user gave it
	if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
		// A symlink is written through: the new bytes replace its target,
		// atomically in the target's directory, and the link stays a link
		// (replacing the link would leave the old bytes, a secret, in the
		// target).
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("%s: is a symlink whose target cannot be read: %v (fix or remove the link)", name, unwrapPath(err))
		}
		path = target
	}
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s: is a directory (give a file name)", name)
		}
		if fi.Mode().Perm()&0o222 == 0 {
			// rename(2) would replace it anyway; a read-only file says "leave me alone".
			return fmt.Errorf("%s: file is read-only (make it writable first, e.g. chmod u+w %s)", name, shellQuote(name))
		}
		if n := hardLinks(fi); n > 1 {
			// Renaming a new file over it would leave the other names with
			// the old bytes: a secret strip was asked to remove.
			return hardLinkError(name, path, n)
		}
		if !forceMode {
			mode = fi.Mode().Perm()
		}
	}
	dir := filepath.Dir(path)
	// CI writes into build/ of a fresh checkout: create the directory, as
	// compilers do with their output paths.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: cannot create the output directory: %v", name, unwrapPath(err))
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".pmprep-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %v", name, unwrapPath(err))
	}
	defer func() {
		// A fault reading a mapped input that shrank arrives as a panic
		// (see onFault): remove the temporary file on that path too.
		r := recover()
		if err != nil || r != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		if r != nil {
			panic(r)
		}
	}()
	buf := bufio.NewWriterSize(&writeback{f: tmp}, 1<<20)
	if err = fill(buf); err == nil {
		err = buf.Flush()
	}
	if err != nil {
		return fmt.Errorf("%s: cannot write: %v", name, unwrapPath(err))
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("%s: cannot set file mode: %v", name, unwrapPath(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: cannot write: %v", name, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: cannot write: %v", name, unwrapPath(err))
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: cannot replace: %v", name, unwrapPath(err))
	}
	return nil
}

// writeback writes to f and has the kernel start writing every 8 MiB to
// disk as it goes, so the final fsync of a large file waits for little.
type writeback struct {
	f         *os.File
	n, synced int64
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n += int64(n)
	if w.n-w.synced >= 8<<20 {
		startWriteback(w.f, w.synced, w.n-w.synced)
		w.synced = w.n
	}
	return n, err
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// output is where a command writes its result: stdout, -o FILE or -w.
type output struct {
	path   string // "" for stdout
	stdout io.Writer
}

// writeFrom writes what fill writes, streamed through a buffer.
func (o output) writeFrom(fill func(io.Writer) error) error {
	if o.path == "" || o.path == "-" {
		buf := bufio.NewWriterSize(o.stdout, 1<<20)
		if err := fill(buf); err != nil {
			return err
		}
		return buf.Flush()
	}
	return writeFileFrom(o.path, 0o644, false, fill)
}
