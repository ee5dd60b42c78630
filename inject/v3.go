package inject

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/script"
)

// PlanV3 is what inject does to a collection format v3 directory.
//
// The decisions are Build's, on the directory converted to v2.1 (which
// runs as the directory does: see collectionv3.Convert), so the per-request
// rules are exactly the v2.1 ones. What differs is how a managed request
// gets its token: the Postman CLI 1.62.0 applies collection and folder auth
// (and a request's own) to every pm.sendRequest of a v3 run, the token
// request included, so no auth block may send the managed token. Every
// managed block goes (removed where nothing above sends auth after inject,
// else made noauth), and the generated script sets the Authorization header
// of the managed requests, listed by their location.
type PlanV3 struct {
	*Plan
	// Edit is for collectionv3.PlanInject; the caller sets PreRequest and
	// Test from script.Render(Plan.Script).
	Edit collectionv3.InjectEdit
	// Files maps the JSON paths the Plan's report names (of the converted
	// collection) to the files they came from.
	Files map[string]string
}

// BuildV3 plans inject for the v3 collection c.
func BuildV3(c *collectionv3.Collection, opts Options) (*PlanV3, error) {
	data, err := collectionv3.ConvertForPlanning(c)
	if err != nil {
		return nil, err
	}
	doc, err := collection.Parse(c.Dir, data)
	if err != nil {
		return nil, err // Convert writes valid JSON: a bug if this happens
	}
	opts.Decisions = true
	p, err := Build(doc, opts)
	if err != nil {
		var ie *collection.InputError
		if errors.As(err, &ie) {
			// Positions are in the converted JSON, which the user never saw.
			e := *ie
			e.File, e.Pos = rootFile(c), collection.Position{}
			return nil, &e
		}
		return nil, err
	}

	// The tree, by the JSON paths Convert gives its items.
	type place struct {
		file   *collectionv3.File
		folder *collectionv3.Folder // for folders
		loc    []string             // names below the collection
		parent string               // the parent's path ("" for the collection)
	}
	places := map[string]place{"": {file: c.Root.Def, folder: c.Root}}
	var order []string // folders and requests, parents first
	var walk func(f *collectionv3.Folder, path string, loc []string)
	walk = func(f *collectionv3.Folder, path string, loc []string) {
		for i, it := range f.Items {
			p := "item[" + strconv.Itoa(i) + "]"
			if path != "" {
				p = path + "." + p
			}
			if it.Folder != nil {
				l := append(loc[:len(loc):len(loc)], it.Folder.Name)
				places[p] = place{file: it.Folder.Def, folder: it.Folder, loc: l, parent: path}
				order = append(order, p)
				walk(it.Folder, p, l)
			} else {
				places[p] = place{file: it.Request.File, loc: append(loc[:len(loc):len(loc)], it.Request.Name), parent: path}
				order = append(order, p)
			}
		}
	}
	walk(c.Root, "", nil)
	out := &PlanV3{Plan: p, Files: map[string]string{}}
	// The inputs an oauth2 block held (non-secret ones): the block goes.
	out.Edit.Variables = p.Edit.Variables
	for path, pl := range places {
		if pl.file != nil {
			out.Files[path] = pl.file.Path
		}
	}

	// Requests an earlier run managed (by location) that send no auth now
	// stay managed: their blocks were removed or made noauth by that run.
	var prev script.Script
	if def := c.Root.Def; def != nil {
		for _, code := range scriptCode(def, "http:beforeRequest") {
			if s, ok := script.ParseBlock(strings.Split(code, "\n")); ok && s.Header {
				prev = s
				break
			}
		}
	}
	managed := map[string][]int{} // by LocationKey
	locs := map[string][]string{}
	conflict := map[string]bool{}
	kept := map[string]bool{} // paths managed by the earlier run's list
	for _, d := range p.Decisions {
		pl := places[d.Path]
		key := script.LocationKey(pl.loc)
		locs[key] = pl.loc
		prevDomain, hadPrev := prev.ManagedDomain(pl.loc)
		tokens := []int{}
		switch {
		case d.Domain >= 0:
			tokens = []int{d.Domain}
		case d.None && hadPrev && prevDomain < len(p.Script.Tokens):
			tokens = []int{prevDomain}
			p.Report.Domains[prevDomain].Requests++
		}
		if len(tokens) > 0 && hadPrev {
			kept[d.Path] = true // not newly authorised: the earlier run's script sent it the token
		}
		if old, seen := managed[key]; seen && !sameInts(old, tokens) {
			conflict[key] = true
		}
		managed[key] = tokens
	}
	if len(kept) > 0 {
		var left []LeftGroup
		for _, g := range p.Report.Left {
			var paths []string
			for _, q := range g.Paths {
				if !kept[q] {
					paths = append(paths, q)
				}
			}
			if len(paths) > 0 {
				left = append(left, LeftGroup{Why: g.Why, Paths: paths})
			}
		}
		p.Report.Left = left
		for i := range p.Report.Domains {
			var newly []string
			for _, q := range p.Report.Domains[i].Newly {
				if !kept[q] {
					newly = append(newly, q)
				}
			}
			p.Report.Domains[i].Newly = newly
		}
	}
	var conflicts []string
	for key := range conflict {
		conflicts = append(conflicts, key)
	}
	sort.Strings(conflicts)
	for _, key := range conflicts {
		delete(managed, key)
		p.Report.Warnings = append(p.Report.Warnings, "several requests are at "+key+
			" (the same folder and request names) and inject treats them differently: none of them gets the token; rename one")
	}
	// Those requests keep what they had (their blocks, their headers), are
	// not counted as sending the token, and are listed as left alone.
	unchanged := map[string]bool{}
	if len(conflicts) > 0 {
		var paths []string
		for _, d := range p.Decisions {
			if !conflict[script.LocationKey(places[d.Path].loc)] {
				continue
			}
			unchanged[d.Path] = true
			paths = append(paths, d.Path)
			if d.Domain >= 0 {
				p.Report.Domains[d.Domain].Requests--
			}
		}
		for i := range p.Report.Domains {
			var newly []string
			for _, q := range p.Report.Domains[i].Newly {
				if !unchanged[q] {
					newly = append(newly, q)
				}
			}
			p.Report.Domains[i].Newly = newly
		}
		var left []LeftGroup
		for _, g := range p.Report.Left {
			var rest []string
			for _, q := range g.Paths {
				if !unchanged[q] {
					rest = append(rest, q)
				}
			}
			if len(rest) > 0 {
				left = append(left, LeftGroup{Why: g.Why, Paths: rest})
			}
		}
		p.Report.Left = append(left, LeftGroup{Why: "the same folder and name as another request: rename one", Paths: paths})
	}
	p.Script.Header = true
	p.Script.Managed = nil
	for key, t := range managed {
		if len(t) > 0 { // not managed: not listed
			p.Script.SetManaged(locs[key], t[0])
		}
	}
	p.Script.Inherit, p.Script.Folders, p.Script.Requests = nil, nil, nil

	// Stale bearer headers of managed requests go, as in v2.1: the script
	// sets a fresh one, and the pasted token should not stay in the file.
	for _, ed := range p.Edit.Items {
		pl, ok := places[ed.Item.Path]
		if ed.DropHeader == nil || !ok || pl.folder != nil || pl.file == nil || unchanged[ed.Item.Path] {
			continue
		}
		var drops []collectionv3.Entry
		for _, h := range collectionv3.Entries(collectionv3.Get(pl.file.Doc, "headers")) {
			if v, ok := h.Scalar(); ok && !h.Disabled && strings.EqualFold(h.Key, "Authorization") && ed.DropHeader(v) {
				drops = append(drops, h)
			}
		}
		if len(drops) > 0 {
			if out.Edit.DropHeaders == nil {
				out.Edit.DropHeaders = map[*collectionv3.File][]collectionv3.Entry{}
			}
			out.Edit.DropHeaders[pl.file] = drops
		}
	}

	// Managed blocks: removed where nothing above sends auth after inject,
	// else noauth (a removed block would inherit what is above).
	blocks := map[string]bool{}
	for _, b := range p.ManagedBlocks {
		blocks[b] = true
	}
	hasAuth := map[string]bool{} // by path: some auth block applies after inject
	if blocks["auth"] {
		out.Edit.RemoveAuth = append(out.Edit.RemoveAuth, c.Root.Def)
	} else {
		hasAuth[""] = c.Root.Def != nil && collectionv3.Get(c.Root.Def.Doc, "auth") != nil
	}
	for _, path := range order {
		pl := places[path]
		authPath := path + ".request.auth"
		if pl.folder != nil {
			authPath = path + ".auth"
		}
		above := hasAuth[pl.parent]
		switch {
		case unchanged[path]:
			hasAuth[path] = above || pl.file != nil && collectionv3.Get(pl.file.Doc, "auth") != nil
		case blocks[authPath] && above:
			out.Edit.NoAuth = append(out.Edit.NoAuth, pl.file)
			hasAuth[path] = true
		case blocks[authPath]:
			out.Edit.RemoveAuth = append(out.Edit.RemoveAuth, pl.file)
		default:
			hasAuth[path] = above || pl.file != nil && collectionv3.Get(pl.file.Doc, "auth") != nil
		}
	}
	return out, nil
}

func rootFile(c *collectionv3.Collection) string {
	if c.Root.Def != nil {
		return c.Root.Def.Path
	}
	return c.Dir
}

// scriptCode is the code of f's scripts of type typ.
func scriptCode(f *collectionv3.File, typ string) []string {
	var out []string
	s := collectionv3.Get(f.Doc, "scripts")
	if s == nil {
		return nil
	}
	for _, e := range s.Content {
		if collectionv3.Str(e, "type") == typ {
			out = append(out, collectionv3.Str(e, "code"))
		}
	}
	return out
}
