package gen_test

import (
	"bytes"
	"testing"

	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/internal/bench/gen"
)

func TestCollection(t *testing.T) {
	a := gen.Collection(500, 1)
	if !bytes.Equal(a, gen.Collection(500, 1)) {
		t.Fatal("not deterministic")
	}
	if bytes.Equal(a, gen.Collection(500, 2)) {
		t.Fatal("the seed changes nothing")
	}
	doc, err := collection.Parse("gen.json", a)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != collection.KindCollection21 || doc.Style.Unit != "\t" || bytes.HasSuffix(a, []byte("\n")) {
		t.Fatalf("not laid out as Postman exports: kind %v, style %+v", doc.Kind, doc.Style)
	}
	requests, folders, auths := 0, 0, map[string]int{}
	collection.Walk(doc, func(it *collection.Item) error {
		if it.Folder {
			folders++
		} else {
			requests++
		}
		auths[collection.AuthType(it.Auth)]++
		return nil
	})
	if requests != 500 || folders == 0 {
		t.Fatalf("%d requests in %d folders, want 500 in some", requests, folders)
	}
	for _, typ := range []string{"", "bearer", "oauth2", "apikey", "basic", "noauth"} {
		if auths[typ] == 0 {
			t.Errorf("no %q auth block: %v", typ, auths)
		}
	}
	if per := len(a) / 500; per < 1000 || per > 2500 {
		t.Errorf("%d bytes per request, want about 1.5 KB", per)
	}
}
