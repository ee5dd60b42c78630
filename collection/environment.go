package collection

import (
	"crypto/sha1"
	"fmt"

	"github.com/tidwall/gjson"
)

// EnvVar is a variable pmprep manages in an environment file.
type EnvVar struct {
	Key    string
	Value  string
	Secret bool // written with "type": "secret"
}

// envNamespace is pmprep's fixed UUID v5 namespace for environment ids, so
// the same collection and environment name always get the same id.
var envNamespace = [16]byte{0x7a, 0x3e, 0x4c, 0x1d, 0x92, 0x5b, 0x4f, 0x60, 0xa1, 0x0e, 0x6d, 0x2f, 0x8c, 0x44, 0x13, 0x5a}

// EnvironmentID is the UUID v5 (RFC 9562) of name in pmprep's namespace.
func EnvironmentID(name string) string {
	h := sha1.New()
	h.Write(envNamespace[:])
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func envVarFragment(v EnvVar) Object {
	typ := "default"
	if v.Secret {
		typ = "secret"
	}
	return Object{{"key", String(v.Key)}, {"value", String(v.Value)}, {"type", String(typ)}, {"enabled", Bool(true)}}
}

// NewEnvironment renders a Postman environment export: tab-indented like
// Postman's own, with no timestamps, so the same input gives the same bytes.
func NewEnvironment(id, name string, vars []EnvVar) []byte {
	values := Array{}
	for _, v := range vars {
		values = append(values, envVarFragment(v))
	}
	doc := Object{
		{"id", String(id)},
		{"name", String(name)},
		{"values", values},
		{"_postman_variable_scope", String("environment")},
	}
	return []byte(Encode(doc, "", Style{Newline: "\n", Unit: "\t"}) + "\n")
}

// UpdateEnvironment sets the variables pmprep manages in an existing
// environment file — value, type and enabled of each, appended when
// missing — and keeps everything else, the user's own variables included,
// byte for byte.
func UpdateEnvironment(doc *Document, vars []EnvVar) ([]byte, error) {
	if doc.Kind != KindEnvironment {
		return nil, &InputError{File: doc.Name, Msg: "this is a Postman " + doc.Kind.String() + " file, not an environment",
			Hint: "move it away or choose another output directory"}
	}
	values := doc.Variables()
	e := NewEditor(doc)
	existing := map[string]gjson.Result{}
	values.ForEach(func(_, v gjson.Result) bool {
		if k, ok := Field(v, "key"); ok && v.IsObject() {
			if _, dup := existing[k.String()]; !dup {
				existing[k.String()] = v
			}
		}
		return true
	})
	for _, v := range vars {
		el, ok := existing[v.Key]
		if !ok {
			e.AppendElement(values, envVarFragment(v))
			continue
		}
		want := envVarFragment(v)
		for _, m := range want[1:] { // key stays as it is
			e.Set(el, m.Key, m.Value)
		}
		if d, ok := Field(el, "disabled"); ok && d.Bool() {
			e.ReplaceRaw(d, "false")
		}
	}
	return e.Apply()
}
