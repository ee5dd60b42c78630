// Package clientkey checks a PEM private key for private_key_jwt client
// authentication against what the generated script can sign with
// (templates/jwtsign.js): unencrypted PKCS#8 or PKCS#1 RSA keys of 2048 to
// 8192 bits, and PKCS#8 or SEC1 EC keys on P-256. pmprep uses it where a
// key is given literally (pmprep envs --secrets-from-env); a key given by
// variable at run time is checked by the script with the same rules.
//
// It reads the first "… PRIVATE KEY" PEM block, as the script does (an "EC
// PARAMETERS" block may precede it; literal \n escapes, as in a one-line
// CI variable, are accepted). Its errors never contain key material.
package clientkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Supported names what the script can sign with, for messages.
const Supported = "supported: unencrypted PKCS#8 or PKCS#1 RSA (2048 to 8192 bits), PKCS#8 or SEC1 EC P-256"

// Check reports whether text holds a private key the script can sign with,
// and the algorithm it signs with by default: "RS256" or "ES256".
func Check(text string) (alg string, err error) {
	fail := func(what string) (string, error) { return "", errors.New(what + "; " + Supported) }
	rest := []byte(strings.NewReplacer(`\r`, "", `\n`, "\n").Replace(text))
	var other string
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			if other != "" {
				return fail("the key text has a " + other + " PEM block but no PRIVATE KEY block")
			}
			return fail("the key is not a PEM private key")
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			if other == "" {
				other = b.Type
			}
			continue
		}
		// IsEncryptedPEMBlock is deprecated for decrypting; it only detects here.
		if b.Type == "ENCRYPTED PRIVATE KEY" || x509.IsEncryptedPEMBlock(b) {
			return fail("the key is an encrypted PEM")
		}
		var key any
		var perr error
		switch b.Type {
		case "PRIVATE KEY":
			key, perr = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, perr = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, perr = x509.ParseECPrivateKey(b.Bytes)
		default:
			return fail("the key is in the unsupported " + b.Type + " format")
		}
		if perr != nil {
			// x509's message names the structure, never the bytes.
			return fail(fmt.Sprintf("the %s PEM block does not parse (%v)", b.Type, perr))
		}
		switch k := key.(type) {
		case *rsa.PrivateKey:
			if n := k.N.BitLen(); n < 2048 || n > 8192 {
				return fail(fmt.Sprintf("the RSA key has %d bits", n))
			}
			return "RS256", nil
		case *ecdsa.PrivateKey:
			if k.Curve != elliptic.P256() {
				return fail("the EC key is on curve " + k.Curve.Params().Name)
			}
			return "ES256", nil
		case ed25519.PrivateKey:
			return fail("the key is an Ed25519 key")
		default:
			return fail("the key is of a type the script cannot sign with")
		}
	}
}

// CheckAlg is Check for a key that signs with alg ("" for the key's
// default): an RSA key for RS256, RS384, RS512 and PS256, an EC P-256 key
// for ES256. Its message is the one the script gives when it first signs.
func CheckAlg(text, alg string) error {
	keyAlg, err := Check(text)
	if err != nil || alg == "" || (alg == "ES256") == (keyAlg == "ES256") {
		return err
	}
	kind := "RSA"
	if keyAlg == "ES256" {
		kind = "EC P-256"
	}
	return fmt.Errorf("alg %s does not fit the private key, which is %s (RS256, RS384, RS512 and PS256 need RSA; ES256 needs EC P-256)", alg, kind)
}
