package strip

import (
	"fmt"
	"github.com/pmprep/pmprep/internal/jsontext"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pmprep/pmprep/collection"
)

// bigBodyCollection is a collection whose saved response's body is about
// size bytes of pretty-printed JSON (escaped in the file: \n, \t, \")
// with one "password" member.
func bigBodyCollection(size int) ([]byte, int) {
	var b strings.Builder
	b.WriteString(`{\n`)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `\t\"name%d\": \"kept value number %d of a long saved response\",\n`, i%20, i)
	}
	b.WriteString(`\t\"password\": \"hunter2\"\n}`)
	body := b.String()
	return []byte(`{"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"request": {}, "response": [{"body": "` + body + `"}]}]}`), len(body)
}

// TestFreeTextMemory: one secret in a large body costs a few times the
// body's size, not 8 bytes more per byte of text for each map back to the
// file (an index per byte, twice: 25 bytes per byte in all). The maps hold
// the escapes and cuts only.
func TestFreeTextMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: slow")
	}
	in, n := bigBodyCollection(4 << 20)
	doc, err := collection.Parse("t.json", in)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := Scan(doc, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(res.Findings))
	}
	perByte := float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
	t.Logf("%.2f bytes allocated per byte of body", perByte)
	if perByte > 10 {
		t.Errorf("%.2f bytes allocated per byte of body, want at most 10 (25 when every text byte had an index)", perByte)
	}
}

// BenchmarkFreeTextBigBody: Scan of a 4 MB saved response with one secret
// (-benchmem: 106 MB/op with an index per byte, 29 MB/op with the escapes
// and cuts only).
func BenchmarkFreeTextBigBody(b *testing.B) {
	in, n := bigBodyCollection(4 << 20)
	doc, err := collection.Parse("t.json", in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(n))
	for b.Loop() {
		if _, err := Scan(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMapsBack: the escape and cut maps give what an index per byte gave.
func TestMapsBack(t *testing.T) {
	pieces := []string{"a", "bc", `\n`, `\"`, `\\`, `\/`, `\u00e9`, `\u20ac`, `\ud83d\ude00`, "é", `\t`}
	rng := rand.New(rand.NewPCG(*seed, 2))
	for range 2000 {
		var b strings.Builder
		b.WriteString(`"`)
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.WriteString(`"`)
		raw := b.String()
		jt := decodeText(raw)
		// An index per byte: every byte an escape decodes to maps to the
		// escape's start.
		var offs []int
		for i := 1; i < len(raw)-1; {
			if raw[i] != '\\' {
				offs = append(offs, i)
				i++
				continue
			}
			r, next := rune(jsontext.UnescapeChar(raw[i+1])), i+2
			if raw[i+1] == 'u' {
				r, next = decodeUnicode(raw, i)
			}
			for range utf8.RuneLen(r) {
				offs = append(offs, i)
			}
			i = next
		}
		offs = append(offs, len(raw)-1)
		if len(offs) != len(jt.text)+1 {
			t.Fatalf("%s: %d offsets for %d bytes", raw, len(offs), len(jt.text))
		}
		for i, want := range offs {
			if got := jt.rawIndex(i); got != want {
				t.Fatalf("%s: rawIndex(%d) = %d, want %d", raw, i, got, want)
			}
		}

		text := jt.text
		var fs []found
		for range rng.IntN(4) {
			if len(text) == 0 {
				break
			}
			a := rng.IntN(len(text))
			fs = append(fs, found{ranges: [][2]int{{a, a + 1 + rng.IntN(len(text)-a)}}})
		}
		rest, back := without(text, fs)
		cut := make([]bool, len(text))
		for _, f := range fs {
			for k := f.ranges[0][0]; k < f.ranges[0][1]; k++ {
				cut[k] = true
			}
		}
		j := 0
		for i := 0; i < len(text); i++ {
			if cut[i] {
				continue
			}
			if got := back.index(j); got != i || rest[j] != text[i] {
				t.Fatalf("%q cut %v: index(%d) = %d, want %d", text, fs, j, got, i)
			}
			j++
		}
		if j != len(rest) {
			t.Fatalf("%q cut %v: %d bytes left, want %d", text, fs, len(rest), j)
		}
	}
}
