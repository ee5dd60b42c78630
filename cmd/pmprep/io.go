package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxInput bounds what pmprep reads: far above the largest real collection
// (tens of MB), low enough that a wrong file cannot exhaust memory.
const maxInput = 1 << 30

// readInput reads a file, or stdin for "-". Errors name the file and say
// what to do.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
		if err != nil {
			return nil, fmt.Errorf("-: cannot read standard input: %v", err)
		}
		return data, checkSize("-", len(data))
	}
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file (check the path)", name)
	case err != nil:
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	case fi.IsDir():
		return nil, fmt.Errorf("%s: is a directory (give the collection's .json file)", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %v", name, unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", name, unwrapPath(err))
	}
	return data, checkSize(name, len(data))
}

func checkSize(name string, n int) error {
	if n > maxInput {
		return fmt.Errorf("%s: larger than %d MiB (is this a Postman export?)", name, maxInput>>20)
	}
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, synced and renamed over path, so a reader (or a crash) never
// sees a half-written file. An existing file keeps its mode; a new one gets
// mode.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	return writeFile(path, data, mode, false)
}

// writeFile is writeAtomic; forceMode applies mode even to an existing
// file (files holding secrets are always 0600).
func writeFile(path string, data []byte, mode fs.FileMode, forceMode bool) (err error) {
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s: is a directory (give a file name)", path)
		}
		if !forceMode {
			mode = fi.Mode().Perm()
		}
	}
	dir := filepath.Dir(path)
	// CI writes into build/ of a fresh checkout: create the directory, as
	// compilers do with their output paths.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: cannot create the output directory: %v", path, unwrapPath(err))
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".pmprep-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %v", path, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("%s: cannot write: %v", path, unwrapPath(err))
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("%s: cannot set file mode: %v", path, unwrapPath(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: cannot write: %v", path, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: cannot write: %v", path, unwrapPath(err))
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: cannot replace: %v", path, unwrapPath(err))
	}
	return nil
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

func (o output) write(data []byte) error {
	if o.path == "" || o.path == "-" {
		_, err := o.stdout.Write(data)
		return err
	}
	return writeAtomic(o.path, data, 0o644)
}
