// Command dist is `make dist`: it builds pmprep's release archives, one
// per platform (tar.gz; zip for Windows), and a SHA256SUMS file that
// `sha256sum -c` checks.
//
// The archives are reproducible: the same source, version, commit and
// Go give the same bytes on any machine, in any directory. The binaries
// are built with -trimpath and -buildvcs=false (no build paths, no
// checkout state), CGO off, the version and commit stamped into
// internal/version with -ldflags -X; archive entries are sorted, owned
// by 0:0 with fixed modes, and dated by the commit (or
// SOURCE_DATE_EPOCH); gzip and zip headers carry no host data.
//
// It does not publish anything: uploading the files is the release
// process's job.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Platforms are the release targets, GOOS/GOARCH.
var Platforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"}

// Options say what to build.
type Options struct {
	Dir       string    // the module's root (holds go.mod)
	Out       string    // where the archives and SHA256SUMS go
	Version   string    // 1.2.3, without "v"
	Commit    string    // the commit SHA stamped into the binaries
	Time      time.Time // every archive entry's modification time
	Platforms []string  // GOOS/GOARCH
	Extra     []string  // files of Dir (slash paths) packed beside the binary: README.md
	Log       io.Writer // one line per archive
	Env       []string  // more environment for go build (a test's own GOCACHE)
}

// versionPkg receives the stamps (internal/version.Stamped and .Commit).
const versionPkg = "github.com/pmprep/pmprep/internal/version"

// plainVersion is what a version may be: it lands in file names and in
// -ldflags, so nothing beyond a semantic version's characters.
var plainVersion = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+-]*$`)

// Build writes one archive per platform and SHA256SUMS into o.Out and
// returns the archives' names, sorted. Every file is written to a
// temporary name and renamed, so an interrupted run leaves no half file.
func Build(o Options) ([]string, error) {
	if !plainVersion.MatchString(o.Version) {
		return nil, fmt.Errorf("version %q: want a version such as 1.2.3 (letters, digits, '.', '-', '+')", o.Version)
	}
	if !plainVersion.MatchString(o.Commit) {
		return nil, fmt.Errorf("commit %q: want a commit SHA", o.Commit)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "pmprep-dist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	var extras []file
	for _, name := range o.Extra {
		data, err := os.ReadFile(filepath.Join(o.Dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		extras = append(extras, file{name: path.Base(name), data: data, mode: 0o644})
	}

	sums := map[string]string{}
	var names []string
	for _, p := range o.Platforms {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok {
			return nil, fmt.Errorf("platform %q: want GOOS/GOARCH", p)
		}
		exe := "pmprep"
		if goos == "windows" {
			exe += ".exe"
		}
		bin := filepath.Join(tmp, goos+"_"+goarch, exe)
		if err := buildBinary(o, goos, goarch, bin); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			return nil, err
		}
		base := fmt.Sprintf("pmprep_%s_%s_%s", o.Version, goos, goarch)
		files := append([]file{{name: exe, data: data, mode: 0o755}}, extras...)
		var archive []byte
		name := base + ".tar.gz"
		if goos == "windows" {
			name = base + ".zip"
			archive, err = zipArchive(base, files, o.Time)
		} else {
			archive, err = tarArchive(base, files, o.Time)
		}
		if err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(o.Out, name), archive); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(archive)
		sums[name] = hex.EncodeToString(sum[:])
		names = append(names, name)
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%s  %d bytes\n", filepath.Join(o.Out, name), len(archive))
		}
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		// The format of sha256sum: hash, two spaces (text mode), name.
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return names, writeFile(filepath.Join(o.Out, "SHA256SUMS"), b.Bytes())
}

// buildBinary builds cmd/pmprep for goos/goarch into out. The environment
// is pinned where it would change the bytes: no cgo, no GOFLAGS from the
// caller, the baseline CPU level, the local toolchain.
func buildBinary(o Options, goos, goarch, out string) error {
	ldflags := fmt.Sprintf("-s -w -buildid= -X %s.Stamped=%s -X %s.Commit=%s", versionPkg, o.Version, versionPkg, o.Commit)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/pmprep")
	cmd.Dir = o.Dir
	cmd.Env = append(cleanEnv(os.Environ()),
		"CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=", "GOTOOLCHAIN=local",
		"GOAMD64=v1", "GOARM64=v8.0", "GOEXPERIMENT=")
	cmd.Env = append(cmd.Env, o.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s/%s: %v: %s", goos, goarch, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// cleanEnv drops the variables buildBinary sets itself.
func cleanEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "CGO_ENABLED", "GOOS", "GOARCH", "GOFLAGS", "GOTOOLCHAIN", "GOAMD64", "GOARM64", "GOEXPERIMENT":
		default:
			out = append(out, kv)
		}
	}
	return out
}

// file is one archive member.
type file struct {
	name string
	data []byte
	mode int64
}

// sorted returns files by name: the archive's order never depends on the
// caller's.
func sorted(files []file) []file {
	out := append([]file(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// tarArchive is a gzipped tar of dir/ and files in it: USTAR headers,
// owner 0:0 with no names, mtime t, no gzip name or time.
func tarArchive(dir string, files []file, t time.Time) ([]byte, error) {
	var b bytes.Buffer
	gz, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	t = t.UTC().Truncate(time.Second)
	hdr := func(name string, typ byte, mode, size int64) *tar.Header {
		return &tar.Header{Typeflag: typ, Name: name, Mode: mode, Size: size, ModTime: t, Format: tar.FormatUSTAR}
	}
	if err := tw.WriteHeader(hdr(dir+"/", tar.TypeDir, 0o755, 0)); err != nil {
		return nil, err
	}
	for _, f := range sorted(files) {
		if err := tw.WriteHeader(hdr(dir+"/"+f.name, tar.TypeReg, f.mode, int64(len(f.data)))); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// zipArchive is a zip of dir/ and files in it, deflated, dated t (UTC),
// with Unix modes.
func zipArchive(dir string, files []file, t time.Time) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	t = t.UTC().Truncate(time.Second)
	d := &zip.FileHeader{Name: dir + "/", Method: zip.Store, Modified: t}
	d.SetMode(os.ModeDir | 0o755)
	if _, err := zw.CreateHeader(d); err != nil {
		return nil, err
	}
	for _, f := range sorted(files) {
		h := &zip.FileHeader{Name: dir + "/" + f.name, Method: zip.Deflate, Modified: t}
		h.SetMode(os.FileMode(f.mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeFile writes data to a temporary file beside name, then renames it.
func writeFile(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".dist-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
