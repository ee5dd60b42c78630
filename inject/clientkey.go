package inject

import (
	"fmt"
	"strings"

	"github.com/pmprep/pmprep/clientkey"
	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

// checkLiteralKeys looks at the collection variables a private_key_jwt
// token reads its key from. A literal key the script could not sign with is
// refused now, at its position, rather than on the first run; a usable one
// is reported, as a private key has no place in a collection file.
func (b *builder) checkLiteralKeys() error {
	keyVars := map[string]bool{}
	for _, t := range b.tokens {
		if t.ClientAuth == script.ClientAuthPrivateKeyJWT {
			keyVars[t.Vars.ClientPrivateKey] = true
		}
	}
	vars, ok := collection.Field(b.doc.Root(), "variable")
	if len(keyVars) == 0 || !ok || !vars.IsArray() {
		return nil
	}
	var err error
	i := -1
	vars.ForEach(func(_, v gjson.Result) bool {
		i++
		k, _ := collection.Field(v, "key")
		val, ok := collection.Field(v, "value")
		if !keyVars[k.String()] || !ok || val.Type != gjson.String || val.String() == "" || strings.Contains(val.String(), "{{") {
			return true
		}
		path := fmt.Sprintf("variable[%d].value", i)
		if _, bad := clientkey.Check(val.String()); bad != nil {
			err = &collection.InputError{File: b.doc.Name, Pos: b.doc.PositionOf(val), Path: path,
				Msg:  fmt.Sprintf("collection variable %s holds a private key the script cannot sign with: %v", k.String(), bad),
				Hint: "give a supported key through an environment or newman --env-var, and remove this one with pmprep strip"}
			return false
		}
		rep := &b.p0().Report
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: collection variable %s holds a private key in the file; move it to an environment (pmprep strip removes it)", path, k.String()))
		return true
	})
	return err
}
