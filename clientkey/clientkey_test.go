package clientkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func pemOf(typ string, der []byte, headers map[string]string) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Headers: headers, Bytes: der}))
}

func TestCheck(t *testing.T) {
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	pk8 := func(k any) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pemOf("PRIVATE KEY", der, nil)
	}
	sec1, _ := x509.MarshalECPrivateKey(p256)
	ecParams := pemOf("EC PARAMETERS", []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, nil)
	oneLine := strings.ReplaceAll(pk8(rsa2048), "\n", `\n`)
	cases := []struct {
		name, text, alg, err string
	}{
		{"RSA PKCS#8", pk8(rsa2048), "RS256", ""},
		{"RSA PKCS#1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa2048), nil), "RS256", ""},
		{"EC PKCS#8", pk8(p256), "ES256", ""},
		{"EC SEC1 after EC PARAMETERS", ecParams + pemOf("EC PRIVATE KEY", sec1, nil), "ES256", ""},
		{"one line with \\n escapes", oneLine, "RS256", ""},
		{"RSA 1024", pk8(rsa1024), "", "the RSA key has 1024 bits"},
		{"P-384", pk8(p384), "", "the EC key is on curve P-384"},
		{"Ed25519", pk8(ed), "", "the key is an Ed25519 key"},
		{"encrypted PKCS#8", pemOf("ENCRYPTED PRIVATE KEY", []byte{0x30, 0x00}, nil), "", "encrypted PEM"},
		{"encrypted legacy", pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"}), "", "encrypted PEM"},
		{"certificate only", pemOf("CERTIFICATE", []byte{0x30, 0x00}, nil), "", "has a CERTIFICATE PEM block but no PRIVATE KEY block"},
		{"not PEM", "hello", "", "not a PEM private key"},
		{"DSA", pemOf("DSA PRIVATE KEY", []byte{0x30, 0x00}, nil), "", "unsupported DSA PRIVATE KEY format"},
		{"garbage DER", pemOf("PRIVATE KEY", []byte{0x30, 0x03, 1, 2, 3}, nil), "", "PRIVATE KEY PEM block does not parse"},
	}
	for _, c := range cases {
		alg, err := Check(c.text)
		if c.err == "" {
			if err != nil || alg != c.alg {
				t.Errorf("%s: Check = %q, %v; want %q", c.name, alg, err, c.alg)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), Supported) {
			t.Errorf("%s: Check error = %v; want %q and what is supported", c.name, err, c.err)
			continue
		}
		// No line of the key in the message.
		for _, l := range strings.Split(c.text, "\n") {
			if len(l) >= 16 && !strings.HasPrefix(l, "-----") && strings.Contains(err.Error(), l) {
				t.Errorf("%s: the message quotes the key", c.name)
			}
		}
	}
}

// TestCheckAlg: a configured algorithm must fit the key, with the
// script's own message (templates/jwtsign.js).
func TestCheckAlg(t *testing.T) {
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der := func(k any) string {
		b, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pemOf("PRIVATE KEY", b, nil)
	}
	rsaKey, ecKey := der(rsa2048), der(p256)
	for _, c := range []struct {
		key, alg, err string
	}{
		{rsaKey, "", ""}, {rsaKey, "RS384", ""}, {rsaKey, "PS256", ""},
		{ecKey, "", ""}, {ecKey, "ES256", ""},
		{ecKey, "PS256", "alg PS256 does not fit the private key, which is EC P-256"},
		{ecKey, "RS256", "alg RS256 does not fit the private key, which is EC P-256"},
		{rsaKey, "ES256", "alg ES256 does not fit the private key, which is RSA"},
		{"hello", "RS256", "not a PEM private key"},
	} {
		err := CheckAlg(c.key, c.alg)
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("CheckAlg(%.10s…, %q) = %v; want %q", c.key, c.alg, err, c.err)
		}
	}
}
