package collectionv3

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/internal/secretlike"
	"go.yaml.in/yaml/v3"
)

// File is one YAML file of a collection, parsed once.
type File struct {
	Path string     // the path errors and reports print: the directory given joined with Rel
	Rel  string     // slash-separated path relative to the collection directory
	Data []byte     // the file's bytes, as read
	Doc  *yaml.Node // the document's top-level mapping
}

// Request is one *.request.yaml file.
type Request struct {
	Name  string // the file's name: member, else the file name without .request.yaml
	File  *File
	order sortKey
}

// Folder is the collection directory or one of its folders.
type Folder struct {
	Name  string // the definition's name, else the directory's name
	Rel   string // slash path of the directory relative to the collection ("" for the collection)
	Def   *File  // .resources/definition.yaml; nil when there is none
	Items []Item // folders and requests in run order
	order sortKey

	defListed bool // Read found a definition file (parsed after the walk)
}

// Item is a folder or a request: exactly one is set.
type Item struct {
	Folder  *Folder
	Request *Request
}

// Collection is a v3 collection directory.
type Collection struct {
	Dir  string  // the directory as given
	Root *Folder // the collection itself
}

// Files lists every file Read parsed (definitions and requests), in run order.
func (c *Collection) Files() []*File {
	var out []*File
	var walk func(f *Folder)
	walk = func(f *Folder) {
		if f.Def != nil {
			out = append(out, f.Def)
		}
		for _, it := range f.Items {
			if it.Folder != nil {
				walk(it.Folder)
			} else {
				out = append(out, it.Request.File)
			}
		}
	}
	walk(c.Root)
	return out
}

// sortKey orders items as the Postman CLI 1.62.0 runs them (measured):
// items without an order first, then by order; ties, which the CLI runs in
// no stable order, by name.
type sortKey struct {
	has   bool
	order float64
	name  string
}

func (a sortKey) less(b sortKey) bool {
	if a.has != b.has {
		return !a.has
	}
	if a.order != b.order {
		return a.order < b.order
	}
	return a.name < b.name
}

const (
	definitionFile = "definition.yaml"
	resourcesDir   = ".resources"
	// maxFile bounds one YAML file: far above a real request, low enough
	// that a wrong file cannot exhaust memory.
	maxFile = 256 << 20
)

// notV3Hint is what to do when a directory is not a v3 collection.
const notV3Hint = "give the directory that holds the collection's .resources/definition.yaml; a v2.1 export migrates with `postman collection migrate FILE`"

// Read reads the v3 collection in dir. Every file is parsed and checked
// before anything is returned, so a caller that writes only after Read
// never half-changes a broken directory.
func Read(dir string) (*Collection, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &collection.InputError{File: dir, Msg: "no such directory", Hint: "check the path"}
	case err != nil:
		return nil, &collection.InputError{File: dir, Msg: err.Error()}
	case !fi.IsDir():
		return nil, &collection.InputError{File: dir, Msg: "not a directory", Hint: notV3Hint}
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, &collection.InputError{File: dir, Msg: err.Error()}
	}
	r := &reader{dir: dir, real: real}
	// The collection's own definition marks its root (postman collection
	// migrate and new always write one); without it a parent directory of
	// several collections would read as one collection of folders.
	if !IsCollectionDir(dir) {
		return nil, &collection.InputError{File: dir, Msg: "not a v3 collection directory: no .resources/definition.yaml", Hint: notV3Hint}
	}
	// A folder's definition is a collection's too ($kind: collection):
	// only the directory above tells a folder from the collection. Read as
	// a collection, a folder would get requests' locations wrong.
	if up := filepath.Dir(real); up != real {
		if IsCollectionDir(up) {
			return nil, &collection.InputError{File: dir, Msg: "is a folder of the v3 collection in " + up,
				Hint: "give the collection's directory, the top one with .resources/definition.yaml"}
		}
	}
	root, _, walkErr := r.folder("", "")
	// Every file found before the walk stopped is parsed, then checked in
	// run order, so the error returned is the one a file-by-file read
	// would have met first.
	if err := r.parseAll(); err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	root.sort()
	if root.Name == "" {
		root.Name = filepath.Base(real)
	}
	return &Collection{Dir: dir, Root: root}, nil
}

// reader walks a collection directory in two passes: folder lists the
// files (cheap: directory reads), parseAll reads and parses them on every
// CPU — on a 10,000-request directory parsing is most of Read's time —
// and then completes each file's folder or request in the order listed.
type reader struct {
	dir, real string
	todo      []pendingFile
}

// pendingFile is a listed file and what completes its folder or request
// once it is parsed.
type pendingFile struct {
	file   *File
	finish func(*File) error
}

// folder lists the directory rel (slash path, "" for the root) and returns
// it with the number of request files under it. Names and order come from
// files parsed later; an error stops the walk (files listed before it are
// still checked first).
func (r *reader) folder(rel, name string) (*Folder, int, error) {
	f := &Folder{Name: name, Rel: rel}
	abs := filepath.Join(r.dir, filepath.FromSlash(rel))
	defRel, err := r.definition(rel)
	if err != nil {
		return f, 0, err
	}
	if defRel != "" {
		f.defListed = true
		r.list(defRel, func(def *File) error {
			if err := checkKind(def, "collection"); err != nil {
				return err
			}
			if err := checkScripts(def, false); err != nil {
				return err
			}
			f.Def = def
			if n := Get(def.Doc, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
				f.Name = n.Value
			}
			f.order = orderOf(def.Doc)
			return nil
		})
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return f, 0, &collection.InputError{File: abs, Msg: "cannot read the directory: " + unwrap(err).Error()}
	}
	total := 0
	seen := map[string]string{} // request name -> file, to refuse x.request.yaml beside x.request.yml
	for _, e := range entries {
		name := e.Name()
		childRel := path.Join(rel, name)
		if strings.HasPrefix(name, ".") {
			continue // .resources (read above), .git, editor files
		}
		kind := e.Type()
		if kind&fs.ModeSymlink != 0 {
			target, err := r.inside(childRel)
			if err != nil {
				return f, 0, err
			}
			if kind, err = typeOf(target); err != nil {
				return f, 0, &collection.InputError{File: r.show(childRel), Msg: "cannot read: " + unwrap(err).Error()}
			}
		}
		switch {
		case kind.IsDir():
			sub, n, err := r.folder(childRel, name)
			if err != nil {
				return f, 0, err
			}
			if !sub.defListed && n == 0 {
				continue // not part of the collection (no definition, no requests)
			}
			f.Items = append(f.Items, Item{Folder: sub})
			total += n
		case kind.IsRegular() && (strings.HasSuffix(name, ".request.yaml") || strings.HasSuffix(name, ".request.yml")):
			base := strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".yml")
			base = strings.TrimSuffix(base, ".request")
			if other, dup := seen[base]; dup {
				return f, 0, &collection.InputError{File: r.show(childRel), Msg: "both " + other + " and " + name + " exist; only one is allowed", Hint: "remove one of them"}
			}
			seen[base] = name
			req := &Request{Name: base}
			r.list(childRel, func(file *File) error {
				if err := checkKind(file, "http-request"); err != nil {
					return err
				}
				if err := checkScripts(file, true); err != nil {
					return err
				}
				req.File, req.order = file, orderOf(file.Doc)
				if n := Get(file.Doc, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
					req.Name = n.Value
				}
				req.order.name = req.Name
				return nil
			})
			f.Items = append(f.Items, Item{Request: req})
			total++
		}
	}
	return f, total, nil
}

// definitionNames are the names a definition may have: the Postman CLI
// reads a folder's definition.yml as it reads definition.yaml.
var definitionNames = [...]string{definitionFile, "definition.yml"}

// IsCollectionDir reports whether dir holds a v3 definition
// (.resources/definition.yaml or .yml): a collection or one of its folders.
func IsCollectionDir(dir string) bool {
	for _, n := range definitionNames {
		if fi, err := os.Stat(filepath.Join(dir, resourcesDir, n)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// definition is the slash path of the folder rel's definition file, "" if
// it has none; both names at once are refused.
func (r *reader) definition(rel string) (string, error) {
	found := ""
	for _, n := range definitionNames {
		p := path.Join(rel, resourcesDir, n)
		if _, err := os.Lstat(filepath.Join(r.dir, filepath.FromSlash(p))); err != nil {
			continue
		}
		if found != "" {
			return "", &collection.InputError{File: r.show(p), Msg: "both " + definitionFile + " and " + n + " exist; only one is allowed", Hint: "remove one of them"}
		}
		found = p
	}
	return found, nil
}

// list queues the file rel for parseAll.
func (r *reader) list(rel string, finish func(*File) error) {
	r.todo = append(r.todo, pendingFile{file: &File{Path: r.show(rel), Rel: rel}, finish: finish})
}

// parseAll parses the listed files concurrently and completes them in the
// order listed; the first error in that order is returned.
func (r *reader) parseAll() error {
	errs := make([]error, len(r.todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(r.todo))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(r.todo) {
					return
				}
				errs[i] = r.parse(r.todo[i].file)
			}
		}()
	}
	wg.Wait()
	for i, t := range r.todo {
		if errs[i] != nil {
			return errs[i]
		}
		if err := t.finish(t.file); err != nil {
			return err
		}
	}
	return nil
}

// sort puts every folder's items in run order, once names and orders are
// known.
func (f *Folder) sort() {
	f.order.name = f.Name
	for _, it := range f.Items {
		if it.Folder != nil {
			it.Folder.sort()
		}
	}
	sort.SliceStable(f.Items, func(i, j int) bool { return f.Items[i].key().less(f.Items[j].key()) })
}

func (it Item) key() sortKey {
	if it.Folder != nil {
		return it.Folder.order
	}
	return it.Request.order
}

// inside resolves the symlink rel and refuses a target outside the
// collection directory: the Postman CLI refuses request paths that leave
// the workspace, and pmprep would otherwise edit a file it was not given.
func (r *reader) inside(rel string) (string, error) {
	target, err := filepath.EvalSymlinks(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", &collection.InputError{File: r.show(rel), Msg: "broken symbolic link: " + unwrap(err).Error(), Hint: "remove it or point it at a file inside the collection"}
	}
	if up, err := filepath.Rel(r.real, target); err != nil || up == ".." || strings.HasPrefix(up, ".."+string(filepath.Separator)) {
		return "", &collection.InputError{File: r.show(rel), Msg: "leads outside the collection directory (to " + target + ")", Hint: "copy the file into the collection instead of linking to it"}
	}
	return target, nil
}

func typeOf(p string) (fs.FileMode, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return fi.Mode().Type(), nil
}

func (r *reader) show(rel string) string { return filepath.Join(r.dir, filepath.FromSlash(rel)) }

// parse reads and parses the file f names; its top level must be a mapping.
func (r *reader) parse(f *File) error {
	data, err := readLimited(f.Path)
	if err != nil {
		return err
	}
	doc, err := ParseYAML(f.Path, data)
	if err != nil {
		return err
	}
	f.Data, f.Doc = data, doc
	return nil
}

// readLimited reads p whole, refusing a file above maxFile before reading it.
func readLimited(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, &collection.InputError{File: p, Msg: "cannot read: " + unwrap(err).Error()}
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, &collection.InputError{File: p, Msg: "cannot read: " + unwrap(err).Error()}
	}
	if fi.Size() > maxFile {
		return nil, &collection.InputError{File: p, Msg: fmt.Sprintf("larger than %d MiB", maxFile>>20), Hint: "is this a Postman v3 file?"}
	}
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead) // one read, and one more to see the end
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxFile+1)); err != nil {
		return nil, &collection.InputError{File: p, Msg: "cannot read: " + unwrap(err).Error()}
	}
	if buf.Len() > maxFile {
		return nil, &collection.InputError{File: p, Msg: fmt.Sprintf("larger than %d MiB", maxFile>>20), Hint: "is this a Postman v3 file?"}
	}
	return buf.Bytes(), nil
}

// yamlLine finds the line number in yaml.v3's error messages ("yaml: line 3: …").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// ParseYAML parses data (the file name is for errors) and returns its
// top-level mapping node.
func ParseYAML(name string, data []byte) (*yaml.Node, error) {
	if !utf8Valid(data) {
		return nil, &collection.InputError{File: name, Msg: "not UTF-8 text", Hint: "save the file as UTF-8"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		pos := collection.Position{}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
			if parserError(msg) {
				pos.Line++ // yaml.v3 prints a parser error's 0-based line
			}
			pos.Col = errorColumn(data, pos.Line, msg)
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		return nil, &collection.InputError{File: name, Pos: pos, Msg: "broken YAML: " + msg, Hint: "fix the file (postman collection lint shows the same place), then run pmprep again"}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &collection.InputError{File: name, Pos: collection.Position{Line: 1, Col: 1}, Msg: "empty file", Hint: "a v3 file starts with $kind"}
	}
	top := resolve(doc.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil, &collection.InputError{File: name, Pos: Pos(top), Msg: "expected a mapping (key: value lines) at the top level", Hint: "a v3 file starts with $kind"}
	}
	if k, first := duplicateKey(doc.Content[0]); k != nil {
		return nil, &collection.InputError{File: name, Pos: Pos(k), Msg: fmt.Sprintf("duplicate key %q (first at line %d)", secretlike.ShowName(k.Value), first.Line),
			Hint: "keep one: pmprep would edit the first, a runner may read the last"}
	}
	return top, nil
}

// duplicateKey finds a mapping in n that has a key twice (yaml.v3 keeps
// both in a Node) and returns the second and the first. Aliases are not
// followed: their mapping is checked where it is written.
func duplicateKey(n *yaml.Node) (dup, first *yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.MappingNode {
		var seen map[string]*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			if seen == nil {
				seen = make(map[string]*yaml.Node, len(n.Content)/2)
			}
			if f, ok := seen[k.Value]; ok {
				return k, f
			}
			seen[k.Value] = k
		}
	}
	if n.Kind == yaml.AliasNode {
		return nil, nil
	}
	for _, c := range n.Content {
		if d, f := duplicateKey(c); d != nil {
			return d, f
		}
	}
	return nil, nil
}

// errorColumn is the column an error on line (1-based) points at. yaml.v3
// reports lines only (for a tab inside a plain scalar, the scalar's line):
// the column is the line's first tab for a tab error, else where the
// line's text starts, in characters.
func errorColumn(data []byte, line int, msg string) int {
	at := 0
	for l := 1; l < line && at < len(data); l++ {
		at = nextLine(data, at)
	}
	text := data[at:nextLine(data, at)]
	i := bytes.IndexFunc(text, func(r rune) bool { return r != ' ' })
	if tab := bytes.IndexByte(text, '\t'); tab >= 0 && strings.Contains(msg, "tab character") {
		i = tab
	}
	if i < 0 {
		return 1
	}
	return utf8.RuneCount(text[:i]) + 1
}

// parserError reports whether a yaml.v3 message is one of libyaml's parser
// errors (not a scanner error): yaml.v3 3.0 adds 1 to a scanner error's
// line but not to a parser error's, so those print the line before.
func parserError(msg string) bool {
	for _, p := range []string{"did not find expected key", "did not find expected node content", "did not find expected '-' indicator",
		"did not find expected ',' or ']'", "did not find expected ',' or '}'", "did not find expected <document start>"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func utf8Valid(b []byte) bool {
	// UTF-16 files start with a byte-order mark or carry NUL bytes; yaml.v3
	// would decode them, but pmprep's byte edits assume UTF-8.
	return !bytes.HasPrefix(b, []byte{0xff, 0xfe}) && !bytes.HasPrefix(b, []byte{0xfe, 0xff}) && bytes.IndexByte(b, 0) < 0
}

func checkKind(f *File, want string) error {
	k, v := Lookup(f.Doc, "$kind")
	if v == nil {
		return errAt(f, f.Doc, "no $kind", "a "+kindFile(want)+" starts with `$kind: "+want+"`")
	}
	if v.Value != want {
		hint := "a " + kindFile(want) + " has `$kind: " + want + "`"
		if strings.HasSuffix(v.Value, "-request") {
			hint = "pmprep handles HTTP requests only (" + v.Value + " is not one); move the file out of the collection to use pmprep on the rest"
		}
		_ = k
		return errAt(f, v, fmt.Sprintf("$kind is %q, expected %q", v.Value, want), hint)
	}
	return nil
}

func kindFile(kind string) string {
	if kind == "collection" {
		return "definition.yaml"
	}
	return "*.request.yaml"
}

func checkScripts(f *File, inRequest bool) error {
	s := Get(f.Doc, "scripts")
	if s == nil {
		return nil
	}
	if s.Kind != yaml.SequenceNode {
		return errAt(f, s, "scripts is not a list", "write scripts as a list of {type, code, language}")
	}
	for _, e := range s.Content {
		e = resolve(e)
		t := Get(e, "type")
		if t == nil {
			return errAt(f, e, "a script has no type", "give it `type: "+scriptTypes(inRequest)+"`")
		}
		if !knownScript(t.Value, inRequest) {
			return errAt(f, t, fmt.Sprintf("unknown script type %q", t.Value), "use "+scriptTypes(inRequest))
		}
	}
	return nil
}

func scriptTypes(inRequest bool) string {
	if inRequest {
		return "beforeRequest or afterResponse"
	}
	return "http:beforeRequest or http:afterResponse"
}

func orderOf(doc *yaml.Node) sortKey {
	v := Get(doc, "order")
	if v == nil || v.Kind != yaml.ScalarNode {
		return sortKey{}
	}
	n, err := strconv.ParseFloat(v.Value, 64)
	if err != nil {
		return sortKey{}
	}
	return sortKey{has: true, order: n}
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
