package strip

import (
	"sort"
	"strings"

	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

// lazyPath is a JSON path built only when a finding needs it: free text
// is everywhere in a collection, secrets in it are rare. It reads
// base[i]mid[j]suffix, without an index that is negative.
type lazyPath struct {
	base   string
	i      int
	mid    string
	j      int
	suffix string
}

func (p lazyPath) String() string {
	s := p.base
	if p.i >= 0 {
		s = index(s, p.i)
	}
	s += p.mid
	if p.j >= 0 {
		s = index(s, p.j)
	}
	return s + p.suffix
}

func pathOf(base, suffix string) lazyPath { return lazyPath{base, -1, "", -1, suffix} }

// entryPath is base+member, then [i] and suffix.
func entryPath(base, member string, i int, suffix string) lazyPath {
	return lazyPath{base, -1, member, i, suffix}
}

// segment is one JSON string of a free text; a script's exec lines are
// read as one text joined by "\n", so a private key pasted over several
// lines is found whole.
type segment struct {
	v    gjson.Result
	path lazyPath
	at   int      // offset of the string's text in the joined text
	t    jsonText // the string decoded, with the map back to the file
}

// freeText finds and cuts the secrets in one JSON string at a free-text
// position; where names it in the kind ("JWT in script"), members adds
// JSON members and form fields with secret-looking names.
func (s *scanner) freeText(v gjson.Result, path lazyPath, where string, m textMode) {
	if v.Type != gjson.String || len(v.Str) < 5 || len(s.find(v.Str, m)) == 0 {
		return // gjson's decoded copy says whether to decode with offsets
	}
	s.cutText([]segment{{v: v, path: path, t: decodeText(v.Raw)}}, where, m)
}

// events scans the scripts of an event list.
func (s *scanner) events(list gjson.Result, path string) {
	if !list.IsArray() {
		return
	}
	i := 0
	list.ForEach(func(_, ev gjson.Result) bool {
		if sc, ok := collection.Field(ev, "script"); ok {
			if sc.Type == gjson.String {
				s.freeText(sc, lazyPath{path, i, ".script", -1, ""}, "script", plainText)
			} else if exec, ok := collection.Field(sc, "exec"); ok {
				s.script(exec, lazyPath{path, i, ".script.exec", -1, ""})
			}
		}
		i++
		return true
	})
}

// script scans a script's exec (path has a free second index for the
// line): one string, or lines, scanned one by one, or joined when one
// starts a PEM block.
func (s *scanner) script(exec gjson.Result, path lazyPath) {
	if exec.Type == gjson.String {
		s.freeText(exec, path, "script", plainText)
		return
	}
	if !exec.IsArray() {
		return
	}
	line := func(i int) lazyPath {
		p := path
		p.j = i
		return p
	}
	// A marker written with \u escapes is found line by line only.
	if !strings.Contains(exec.Raw, "-----BEGIN ") {
		i := 0
		exec.ForEach(func(_, l gjson.Result) bool {
			s.freeText(l, line(i), "script", plainText)
			i++
			return true
		})
		return
	}
	var segs []segment
	i, n := 0, 0
	exec.ForEach(func(_, l gjson.Result) bool {
		if l.Type == gjson.String {
			segs = append(segs, segment{v: l, path: line(i), at: n, t: decodeText(l.Raw)})
			n += len(segs[len(segs)-1].t.text) + 1
		}
		i++
		return true
	})
	s.cutText(segs, "script", plainText)
}

// description scans a description: a string, or {"content": …}.
func (s *scanner) description(d gjson.Result, path lazyPath) {
	switch {
	case d.Type == gjson.String:
		s.freeText(d, path, "description", plainText)
	case d.IsObject():
		if c, ok := collection.Field(d, "content"); ok {
			path.suffix += ".content"
			s.freeText(c, path, "description", plainText)
		}
	}
}

// cutText finds the secrets in the segments' joined text, reports them and
// cuts them, one edit per string.
func (s *scanner) cutText(segs []segment, where string, m textMode) {
	var text string
	if len(segs) == 1 {
		text = segs[0].t.text
	} else {
		parts := make([]string, len(segs))
		for i, g := range segs {
			parts[i] = g.t.text
		}
		text = strings.Join(parts, "\n")
	}
	segOf := func(off int) int {
		return sort.Search(len(segs), func(i int) bool { return segs[i].at > off }) - 1
	}
	allowed := func(f found) bool {
		g := segs[segOf(f.ranges[0][0])]
		return s.allowed(g.path.String(), f.key, false)
	}
	fs, silenced := s.settle(text, m, allowed)
	s.silenced += silenced

	cuts := make([][][2]int, len(segs))
	for _, f := range fs {
		var first = true
		var fnd Finding
		for _, r := range f.ranges {
			// A range may span lines (a PEM body): split it at the line
			// breaks, which stay.
			for k := segOf(r[0]); k < len(segs) && segs[k].at < r[1]; k++ {
				g := segs[k]
				from, to := max(r[0], g.at)-g.at, min(r[1], g.at+len(g.t.text))-g.at
				if from >= to {
					continue
				}
				cuts[k] = append(cuts[k], [2]int{from, to})
				start, end := g.v.Index+g.t.rawIndex(from), g.v.Index+g.t.rawIndex(to)
				if first {
					fnd = Finding{Path: g.path.String(), Kind: f.kind + " in " + where, Key: f.key, Value: g.v, start: start, end: end}
					first = false
				} else {
					fnd.more = append(fnd.more, [2]int{start, end})
				}
			}
		}
		if !first {
			s.findings = append(s.findings, fnd)
		}
	}
	for k, rs := range cuts {
		if len(rs) > 0 {
			sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
			s.ed.ReplaceRaw(segs[k].v, segs[k].t.cut(rs))
		}
	}
}

// settle returns the secrets to cut from text and how many the allow-list
// silenced. Cutting can bring text together that find would read as a new
// secret (a member name meeting its colon); settle looks again until
// nothing new appears, so a second strip finds nothing.
func (s *scanner) settle(text string, m textMode, allowed func(found) bool) (cut []found, silenced int) {
	keep := func(fs []found) []found {
		out := fs[:0]
		for _, f := range fs {
			if allowed(f) {
				silenced++
			} else {
				out = append(out, f)
			}
		}
		return out
	}
	cut = keep(resolve(s.find(text, m)))
	first := silenced
	for round := 0; round < 8 && len(cut) > 0; round++ {
		rest, back := without(text, cut)
		more := keep(resolve(s.find(rest, m)))
		if len(more) == 0 {
			break
		}
		for i := range more {
			for j, r := range more[i].ranges {
				more[i].ranges[j] = [2]int{back.index(r[0]), back.index(r[1]-1) + 1}
			}
		}
		cut = resolve(append(cut, more...))
	}
	return cut, first
}

// without returns text with the secrets' ranges cut, and the map from
// the result's bytes back to text.
func without(text string, fs []found) (string, gaps) {
	var rs [][2]int
	for _, f := range fs {
		rs = append(rs, f.ranges...)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	var b strings.Builder
	b.Grow(len(text))
	var back gaps
	last, cut := 0, 0
	for _, r := range rs {
		if r[0] > last {
			b.WriteString(text[last:r[0]])
		}
		if r[1] > last {
			from := max(last, r[0])
			at := from - cut // where the gap falls in the result
			cut += r[1] - from
			back = append(back, gap{at: at, shift: cut})
			last = r[1]
		}
	}
	b.WriteString(text[last:])
	return b.String(), back
}

// gaps maps the bytes of a text with ranges cut back to the text: one gap
// per cut, not one index per byte, so a large body costs little.
type gaps []gap

// gap is a cut: from the result's byte at on, the text's index is shift
// more.
type gap struct{ at, shift int }

// index returns the index in text of byte i of the result.
func (g gaps) index(i int) int {
	k := sort.Search(len(g), func(k int) bool { return g[k].at > i }) - 1
	if k < 0 {
		return i
	}
	return i + g[k].shift
}
