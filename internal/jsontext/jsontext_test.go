package jsontext

import "testing"

func TestStringEnd(t *testing.T) {
	for in, want := range map[string]int{
		`"abc"x`:        5,
		`"a\"b"x`:       6,
		`"a\\"x`:        5,
		`"a\\\"b"x`:     8,
		`"\u0022"x`:     8,
		`"unterminated`: -1,
		`"ends in \"`:   -1,
		`""`:            2,
	} {
		if got := StringEnd(in, 0); got != want {
			t.Errorf("StringEnd(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestHex4AndSpace(t *testing.T) {
	if v, ok := Hex4(`\u00e9`, 2); !ok || v != 0xe9 {
		t.Errorf("Hex4 = %x, %v", v, ok)
	}
	if _, ok := Hex4([]byte(`\u00g9`), 2); ok {
		t.Error("Hex4 accepted g")
	}
	if _, ok := Hex4(`\u00`, 2); ok {
		t.Error("Hex4 read past the end")
	}
	if got := SkipSpace(" \t\r\n x", 0); got != 5 {
		t.Errorf("SkipSpace = %d", got)
	}
	if got := SkipSpace([]byte("  "), 0); got != 2 {
		t.Errorf("SkipSpace at the end = %d", got)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("\xEF\xBB\xBF{\n\t\"é\": x}")
	for off, want := range map[int][2]int{3: {1, 1}, 5: {2, 1}, 9: {2, 4}, 99: {2, 9}, -1: {1, 1}} {
		if l, c := Position(data, off); l != want[0] || c != want[1] {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", off, l, c, want[0], want[1])
		}
	}
}
