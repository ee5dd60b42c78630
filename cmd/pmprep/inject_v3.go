package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pmprep/pmprep/collectionv3"
	injectpkg "github.com/pmprep/pmprep/inject"
	"github.com/pmprep/pmprep/script"
)

// injectDir is inject on a collection format v3 directory: every file is
// read and every edit planned before anything is written; -w then writes
// all changed files to temporary files and renames them only when all
// were written; -o DIR2 builds the copy in a temporary directory beside
// DIR2 and renames it.
func injectDir(a injectArgs, stderr io.Writer) error {
	dest := a.output.path
	if dest == "" || dest == "-" {
		return usagef("%s: is a collection format v3 directory: give -w to change it in place, or -o DIR to write a copy", a.input)
	}
	inPlace := a.flags.Bool("write")
	if !inPlace {
		if same, _ := sameDir(a.input, dest); same {
			return usagef("-o %s is the input directory: give -w to change it in place", dest)
		}
		if inside(dest, a.input) {
			return usagef("-o %s is inside %s, which would copy the copy: give a directory outside it", dest, a.input)
		}
		if entries, err := os.ReadDir(dest); err == nil && len(entries) > 0 {
			return usagef("-o %s: the directory exists and is not empty; give a new directory (or -w to change %s in place)", dest, a.input)
		} else if err == nil || !errors.Is(err, fs.ErrNotExist) {
			if fi, serr := os.Stat(dest); serr == nil && !fi.IsDir() {
				return usagef("-o %s: is a file; give a new directory", dest)
			}
		}
	}
	coll, err := collectionv3.Read(a.input)
	if err != nil {
		return err
	}
	opts, err := injectOptions(a.flags, a.config)
	if err != nil {
		return err
	}
	plan, err := injectpkg.BuildV3(coll, opts)
	if err != nil {
		return settingsUsage(err)
	}
	rendered, err := script.Render(plan.Script)
	if err != nil {
		return usagef("%v", err)
	}
	plan.Edit.PreRequest, plan.Edit.Test = rendered.PreRequest, rendered.Test
	plan.Edit.IsBegin, plan.Edit.IsEnd = script.IsBegin, script.IsEnd
	changes, err := collectionv3.PlanInject(coll, plan.Edit)
	if err != nil {
		return err
	}
	if inPlace {
		err = writeChanges(changes)
	} else {
		err = copyWithChanges(coll.Dir, dest, changes)
	}
	if err != nil {
		return err
	}
	var summary bytes.Buffer
	printInjectDirSummary(&summary, a, plan, rendered, changes)
	stderr.Write(summary.Bytes())
	return nil
}

// inside reports whether path is below dir (both made absolute, symbolic
// links in dir resolved).
func inside(path, dir string) bool {
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	d, _ = filepath.Abs(d)
	p, _ := filepath.Abs(path)
	if parent, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(parent, filepath.Base(p))
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func sameDir(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// writeChanges replaces the changed files, all or none: each goes to a
// temporary file beside it first; only when every one is written are they
// renamed (a failure before then removes the temporary files and leaves
// the directory as it was). The temporary files are written and synced
// concurrently: a migrated collection can change thousands of files, and
// a file system commits concurrent syncs together.
func writeChanges(changes []collectionv3.Change) error {
	type pending struct{ tmp, path, name string }
	done := make([]pending, len(changes))
	errs := make([]error, len(changes))
	write := func(i int) error {
		c := changes[i]
		path := c.File.Path
		if target, lerr := filepath.EvalSymlinks(path); lerr == nil {
			path = target // Read checked that it stays inside the collection
		}
		fi, serr := os.Stat(path)
		if serr != nil {
			return fmt.Errorf("%s: %v", c.File.Path, unwrapPath(serr))
		}
		if fi.Mode().Perm()&0o222 == 0 {
			return fmt.Errorf("%s: file is read-only (make it writable first, e.g. chmod u+w %s); nothing was changed", c.File.Path, shellQuote(c.File.Path))
		}
		tmp, terr := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".pmprep-*")
		if terr != nil {
			return fmt.Errorf("%s: cannot write: %v; nothing was changed", c.File.Path, unwrapPath(terr))
		}
		done[i] = pending{tmp.Name(), path, c.File.Path}
		_, werr := tmp.Write(c.Data)
		if werr == nil {
			werr = tmp.Chmod(fi.Mode().Perm())
		}
		if werr == nil {
			werr = tmp.Sync()
		}
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("%s: cannot write: %v; nothing was changed", c.File.Path, unwrapPath(werr))
		}
		return nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(8, len(changes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(changes); i = int(next.Add(1) - 1) {
				errs[i] = write(i)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			for _, p := range done {
				if p.tmp != "" {
					os.Remove(p.tmp)
				}
			}
			return e // the first in the files' order
		}
	}
	for i, p := range done {
		if rerr := os.Rename(p.tmp, p.path); rerr != nil {
			// Renames in one file system fail only on a directory changed
			// under us: say which files were replaced.
			var names []string
			for _, q := range done[:i] {
				names = append(names, q.name)
			}
			for _, q := range done[i:] {
				os.Remove(q.tmp)
			}
			return fmt.Errorf("%s: cannot replace: %v (already replaced: %s)", p.name, unwrapPath(rerr), strings.Join(names, ", "))
		}
	}
	return nil
}

// copyWithChanges copies the directory src to dest with the changed
// files' new bytes, through a temporary directory beside dest.
func copyWithChanges(src, dest string, changes []collectionv3.Change) (err error) {
	byRel := map[string][]byte{}
	for _, c := range changes {
		byRel[filepath.FromSlash(c.File.Rel)] = c.Data
	}
	parent := filepath.Dir(filepath.Clean(dest))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("%s: cannot create: %v", dest, unwrapPath(err))
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(filepath.Clean(dest))+".pmprep-*")
	if err != nil {
		return fmt.Errorf("%s: cannot create: %v", dest, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, werr error) error {
		if werr != nil {
			return werr
		}
		rel, rerr := filepath.Rel(src, p)
		if rerr != nil {
			return rerr
		}
		out := filepath.Join(tmp, rel)
		if rel == "." {
			return nil
		}
		data, changed := byRel[rel]
		switch {
		case changed:
			fi, serr := os.Stat(p)
			if serr != nil {
				return serr
			}
			return os.WriteFile(out, data, fi.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			target, lerr := os.Readlink(p)
			if lerr != nil {
				return lerr
			}
			return os.Symlink(target, out)
		case d.IsDir():
			return os.Mkdir(out, 0o755)
		case d.Type().IsRegular():
			fi, ierr := d.Info()
			if ierr != nil {
				return ierr
			}
			in, rerr := os.ReadFile(p)
			if rerr != nil {
				return rerr
			}
			return os.WriteFile(out, in, fi.Mode().Perm())
		}
		return nil // sockets, devices: not part of a collection
	})
	if err != nil {
		return fmt.Errorf("%s: cannot copy %s: %v; nothing was written", dest, src, unwrapPath(err))
	}
	if err = os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("%s: cannot create: %v; nothing was written", dest, unwrapPath(err))
	}
	return nil
}

func printInjectDirSummary(w io.Writer, a injectArgs, p *injectpkg.PlanV3, r script.Rendered, changes []collectionv3.Change) {
	dest := a.output.path
	if a.flags.Bool("write") {
		dest += " (in place)"
	}
	fmt.Fprintf(w, "pmprep inject: %s -> %s (collection format v3)\n", a.input, dest)
	fmt.Fprintf(w, "  pre-request script: the collection's http:beforeRequest (settings %s); it sets the Authorization header of the managed requests\n", r.Hash)
	file := func(path string) string {
		if f, ok := p.Files[path]; ok {
			return f
		}
		return path
	}
	// itemFile is the file of the item a JSON path of the converted
	// collection is in (a script's, an auth parameter's).
	itemFile := func(path string) string {
		for q := path; ; {
			if f, ok := p.Files[q]; ok {
				return f
			}
			i := strings.LastIndexByte(q, '.')
			if i < 0 {
				return p.Files[""]
			}
			q = q[:i]
		}
	}
	files := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, q := range paths {
			out[i] = file(q)
		}
		return out
	}
	if n := len(p.Edit.RemoveAuth); n > 0 {
		fmt.Fprintf(w, "  %s that sent the token removed (in v3 runs auth also goes out on the token request)\n", plural(n, "auth block"))
	}
	if n := len(p.Edit.NoAuth); n > 0 {
		fmt.Fprintf(w, "  %s that sent the token made noauth (something above sends other auth)\n", plural(n, "auth block"))
	}
	if len(p.Edit.DropHeaders) > 0 {
		var paths []string
		n := 0
		for f, hs := range p.Edit.DropHeaders {
			paths = append(paths, f.Path)
			n += len(hs)
		}
		sort.Strings(paths)
		listSome(w, fmt.Sprintf("%s removed", plural(n, "stale Authorization header")), paths)
	}
	s := p.Report
	for _, d := range s.Domains {
		name := ""
		if d.Name != "" {
			name = " " + strconv.Quote(d.Name)
		}
		fmt.Fprintf(w, "  token%s {{%s}} (grant %s): %d of %d requests send it\n", name, d.Variable, d.Grant, d.Requests, s.Requests)
		listSome(w, "newly authorised", files(d.Newly))
	}
	for _, g := range s.Left {
		listSome(w, fmt.Sprintf("left alone, %s (%s)", plural(len(g.Paths), "request"), g.Why), files(g.Paths))
	}
	if len(p.Edit.Variables) > 0 {
		var keys []string
		for _, v := range p.Edit.Variables {
			keys = append(keys, v.Key)
		}
		fmt.Fprintf(w, "  variables declared (unless set already): %s\n", strings.Join(keys, ", "))
	}
	if zc := s.ZeroConfig; zc != nil {
		fmt.Fprintf(w, "  settings read from the oauth2 block at %s (removed)\n", file(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(zc.Path, "auth"), ".auth"), ".request")))
		for _, n := range zc.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, m := range zc.Moved {
			if m.Variable != "" {
				fmt.Fprintf(w, "  secret moved out of %s -> {{%s}} (set it in an environment or with --env-var %s=...)\n", itemFile(m.Path), m.Variable, m.Variable)
			}
		}
	}
	if len(s.TokenScripts) > 0 {
		var scripts []string
		for _, q := range s.TokenScripts {
			scripts = append(scripts, itemFile(q))
		}
		listSome(w, "note: a script here already fetches tokens (pmprep now does; remove it when you are ready)", scripts)
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  assumed: %s\n", n)
	}
	for _, n := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", n)
	}
	var names []string
	for _, c := range changes {
		if a.flags.Bool("write") {
			names = append(names, c.File.Path)
		} else {
			names = append(names, filepath.Join(a.output.path, filepath.FromSlash(c.File.Rel)))
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		fmt.Fprintf(w, "  nothing changed\n")
		return
	}
	listSome(w, fmt.Sprintf("%s changed", plural(len(names), "file")), names)
}
