package script

// Tests of templates/jwtsign.js, the JWT signer pasted into generated scripts
// for signed client assertions: keys are generated here with Go's crypto, the
// JavaScript signs inside postman-sandbox (the sandbox newman 6 runs scripts
// in: crypto-js and BigInt, no WebCrypto), and Go verifies every signature.

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// jwtsignDeps returns node and the repository root, skipping the test when
// node or testdata/e2e/node_modules is missing, except on CI or with
// PMPREP_E2E_REQUIRED=1, where that is a failure.
func jwtsignDeps(t testing.TB) (node, root string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the JavaScript checks run in make test")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	node, err = exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node is not on PATH")
	}
	for _, f := range []string{"postman-sandbox/package.json", ".bin/newman"} {
		if _, err := os.Stat(filepath.Join(root, "testdata", "e2e", "node_modules", f)); err != nil {
			missing = append(missing, "testdata/e2e/node_modules/"+f+" is missing (make e2e-deps)")
		}
	}
	if len(missing) > 0 {
		msg := "jwtsign tests need " + strings.Join(missing, "; ")
		if os.Getenv("CI") != "" || os.Getenv("PMPREP_E2E_REQUIRED") == "1" {
			t.Fatal(msg + " [CI or PMPREP_E2E_REQUIRED=1 is set, so this fails instead of skipping]")
		}
		t.Skip(msg)
	}
	return node, root
}

// sandbox is one long-lived node process running testdata/jwtsign/harness.js,
// so that table and fuzz tests do not pay a node start-up per call.
type sandbox struct {
	mu    sync.Mutex
	in    io.WriteCloser
	lines chan []byte
	cmd   *exec.Cmd
}

var (
	sandboxOnce sync.Once
	theSandbox  *sandbox
	sandboxErr  error
)

func jsSandbox(t testing.TB) *sandbox {
	t.Helper()
	node, root := jwtsignDeps(t)
	sandboxOnce.Do(func() {
		cmd := exec.Command(node, filepath.Join("testdata", "jwtsign", "harness.js"),
			filepath.Join(root, "templates", "jwtsign.js"),
			filepath.Join(root, "testdata", "e2e", "node_modules", "postman-sandbox"))
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			sandboxErr = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			sandboxErr = err
			return
		}
		if sandboxErr = cmd.Start(); sandboxErr != nil {
			return
		}
		s := &sandbox{in: in, lines: make(chan []byte), cmd: cmd}
		go func() {
			r := bufio.NewReaderSize(out, 1<<20)
			for {
				line, err := r.ReadBytes('\n')
				if err != nil {
					close(s.lines)
					return
				}
				s.lines <- line
			}
		}()
		theSandbox = s
	})
	if sandboxErr != nil {
		t.Fatalf("starting node: %v", sandboxErr)
	}
	return theSandbox
}

type jsAnswer struct {
	Out   json.RawMessage `json:"out"`
	MS    float64         `json:"ms"`
	Error string          `json:"error"`
	Name  string          `json:"name"`
}

// call evaluates expr n times in a fresh sandbox execution with jwtsign.js
// loaded and A bound to args. A call that does not answer within the
// deadline fails the test: malformed input must never make the signer hang.
func (s *sandbox) call(t testing.TB, n int, expr string, args ...any) jsAnswer {
	t.Helper()
	req, err := json.Marshal(map[string]any{"expr": expr, "args": args, "n": n})
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.in.Write(append(req, '\n')); err != nil {
		t.Fatalf("writing to node: %v", err)
	}
	select {
	case line, ok := <-s.lines:
		if !ok {
			t.Fatal("the node harness exited")
		}
		var a jsAnswer
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("node answered %q: %v", line, err)
		}
		if strings.HasPrefix(a.Error, "sandbox:") {
			t.Fatalf("the sandbox failed: %s", a.Error)
		}
		return a
	case <-time.After(time.Duration(n)*2*time.Second + 20*time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("%s did not return within the deadline (hang?)", expr)
	}
	return jsAnswer{}
}

const (
	signExpr   = "pmprepJwtSign(require('crypto-js'), A[0], A[1], A[2], A[3])"
	keyAlgExpr = "pmprepJwtKeyAlg(A[0])"
)

// sign signs claims with header {"kid": "k1"} and returns the compact JWS.
func (s *sandbox) sign(t testing.TB, alg, key string) string {
	t.Helper()
	a := s.call(t, 1, signExpr, alg, key, map[string]string{"kid": "k1"}, testClaims)
	if a.Error != "" {
		t.Fatalf("%s: %s", alg, a.Error)
	}
	var jws string
	if err := json.Unmarshal(a.Out, &jws); err != nil {
		t.Fatal(err)
	}
	return jws
}

// testClaims has a non-ASCII value so that UTF-8 encoding is exercised.
var testClaims = map[string]any{"iss": "client-é", "sub": "client-é", "aud": "https://127.0.0.1/token", "jti": "j1", "exp": 1700000300}

// verifyJWS checks the header and claims of jws and its signature with pub
// (an *rsa.PublicKey, *ecdsa.PublicKey or an HMAC secret []byte).
func verifyJWS(t *testing.T, jws, alg string, pub any) {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("%s: %d parts in %q", alg, len(parts), jws)
	}
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("%s: not unpadded base64url: %q: %v", alg, s, err)
		}
		return b
	}
	if got, want := string(dec(parts[0])), `{"alg":"`+alg+`","typ":"JWT","kid":"k1"}`; got != want {
		t.Errorf("%s header = %s, want %s", alg, got, want)
	}
	var claims map[string]any
	if err := json.Unmarshal(dec(parts[1]), &claims); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(claims) != fmt.Sprint(map[string]any{"iss": "client-é", "sub": "client-é", "aud": "https://127.0.0.1/token", "jti": "j1", "exp": 1700000300.0}) {
		t.Errorf("%s claims = %v", alg, claims)
	}
	input, sig := []byte(parts[0]+"."+parts[1]), dec(parts[2])
	digest := func(h crypto.Hash) []byte { w := h.New(); w.Write(input); return w.Sum(nil) }
	hashes := map[string]crypto.Hash{"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512}
	var err error
	switch k := pub.(type) {
	case []byte:
		m := hmac.New(sha256.New, k)
		m.Write(input)
		if !hmac.Equal(m.Sum(nil), sig) {
			err = fmt.Errorf("HMAC mismatch")
		}
	case *rsa.PublicKey:
		if len(sig) != k.Size() {
			err = fmt.Errorf("signature is %d bytes, want %d", len(sig), k.Size())
		} else if alg == "PS256" {
			err = rsa.VerifyPSS(k, crypto.SHA256, digest(crypto.SHA256), sig, &rsa.PSSOptions{SaltLength: 32})
		} else {
			err = rsa.VerifyPKCS1v15(k, hashes[alg], digest(hashes[alg]), sig)
		}
	case *ecdsa.PublicKey:
		if len(sig) != 64 {
			err = fmt.Errorf("signature is %d bytes, want 64 (raw r||s)", len(sig))
		} else if !ecdsa.Verify(k, digest(crypto.SHA256), new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			err = fmt.Errorf("ECDSA verification failed")
		}
	}
	if err != nil {
		t.Errorf("%s signature does not verify in Go: %v", alg, err)
	}
}

func pemText(label string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: label, Bytes: der}))
}

// mustDER unwraps a marshalling result; marshalling keys generated here
// cannot fail, so an error is a bug in the test.
func mustDER(der []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return der
}

// rsaKey and p256Key cache generated keys: RSA generation is slow.
var (
	keyMu   sync.Mutex
	rsaKeys = map[int]*rsa.PrivateKey{}
	ecKey   *ecdsa.PrivateKey
)

func rsaKey(t testing.TB, bits int) *rsa.PrivateKey {
	keyMu.Lock()
	defer keyMu.Unlock()
	if k := rsaKeys[bits]; k != nil {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	rsaKeys[bits] = k
	return k
}

func p256Key(t testing.TB) *ecdsa.PrivateKey {
	keyMu.Lock()
	defer keyMu.Unlock()
	if ecKey == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ecKey = k
	}
	return ecKey
}

// p256Params is the "EC PARAMETERS" block openssl ecparam -genkey writes first.
func p256Params(t testing.TB) string {
	return pemText("EC PARAMETERS", mustDER(asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})))
}

// TestJwtsignSignsEveryKeyForm signs with every supported key form and
// algorithm in the sandbox and verifies each signature with Go's crypto.
func TestJwtsignSignsEveryKeyForm(t *testing.T) {
	s := jsSandbox(t)
	ec := p256Key(t)
	sec1 := pemText("EC PRIVATE KEY", mustDER(x509.MarshalECPrivateKey(ec)))
	type form struct {
		name, pem string
		pub       any
	}
	var forms []form
	for _, bits := range []int{2048, 3072} {
		k := rsaKey(t, bits)
		p8 := pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(k)))
		forms = append(forms,
			form{fmt.Sprintf("RSA %d PKCS#8", bits), p8, &k.PublicKey},
			form{fmt.Sprintf("RSA %d PKCS#1", bits), pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)), &k.PublicKey})
		if bits == 2048 {
			forms = append(forms,
				form{"RSA PKCS#8 one line with \\n escapes", strings.ReplaceAll(p8, "\n", `\n`), &k.PublicKey},
				form{"RSA PKCS#8 CRLF, indented, text around", "key:\r\n  " + strings.ReplaceAll(p8, "\n", "\r\n  ") + "trailer\r\n", &k.PublicKey},
				form{"RSA PKCS#8 spaces for newlines", strings.ReplaceAll(p8, "\n", " "), &k.PublicKey})
		}
	}
	// A modulus of 8k+1 bits makes the PSS encoding one byte shorter than the modulus.
	odd := rsaKey(t, 2049)
	forms = append(forms, form{"RSA 2049 PKCS#1", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(odd)), &odd.PublicKey})
	forms = append(forms,
		form{"EC PKCS#8", pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(ec))), &ec.PublicKey},
		form{"EC SEC1", sec1, &ec.PublicKey},
		form{"EC SEC1 after EC PARAMETERS", p256Params(t) + sec1, &ec.PublicKey},
		form{"EC SEC1 after EC PARAMETERS, \\r\\n escapes", strings.ReplaceAll(p256Params(t)+sec1, "\n", `\r\n`), &ec.PublicKey},
		form{"EC SEC1 without curve", pemText("EC PRIVATE KEY", mustDER(asn1.Marshal(struct {
			Version int
			D       []byte
		}{1, ec.D.FillBytes(make([]byte, 32))}))), &ec.PublicKey})
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			wantAlg, algs := "RS256", []string{"RS256", "RS384", "RS512", "PS256"}
			if _, isEC := f.pub.(*ecdsa.PublicKey); isEC {
				wantAlg, algs = "ES256", []string{"ES256"}
			}
			if a := s.call(t, 1, keyAlgExpr, f.pem); a.Error != "" || string(a.Out) != `"`+wantAlg+`"` {
				t.Errorf("pmprepJwtKeyAlg = %s (error %q), want %q", a.Out, a.Error, wantAlg)
			}
			for _, alg := range algs {
				jws := s.sign(t, alg, f.pem)
				verifyJWS(t, jws, alg, f.pub)
				// RSA signatures and RFC 6979 ECDSA are deterministic; the PSS salt is derived too.
				if again := s.sign(t, alg, f.pem); again != jws {
					t.Errorf("%s: two signatures of the same input differ", alg)
				}
			}
		})
	}
	t.Run("HS256", func(t *testing.T) {
		secret := "s3cret-ü-" + strings.Repeat("x", 40)
		verifyJWS(t, s.sign(t, "HS256", secret), "HS256", []byte(secret))
	})
	t.Run("PSS salt depends on the message", func(t *testing.T) {
		k := pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(rsaKey(t, 2048))))
		a := s.call(t, 1, signExpr, "PS256", k, map[string]string{}, map[string]string{"jti": "1"})
		b := s.call(t, 1, signExpr, "PS256", k, map[string]string{}, map[string]string{"jti": "2"})
		var ja, jb string
		json.Unmarshal(a.Out, &ja)
		json.Unmarshal(b.Out, &jb)
		pub := &rsaKey(t, 2048).PublicKey
		salts := map[string]bool{}
		for _, jws := range []string{ja, jb} {
			parts := strings.Split(jws, ".")
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			em := new(big.Int).Exp(new(big.Int).SetBytes(sig), big.NewInt(int64(pub.E)), pub.N).FillBytes(make([]byte, 256))
			h := em[256-33 : 256-1]
			// Unmask DB with MGF1-SHA256(H) and read the salt, the last 32 bytes of DB.
			db := em[:256-33]
			var mask []byte
			for c := 0; len(mask) < len(db); c++ {
				sum := sha256.Sum256(append(append([]byte{}, h...), byte(c>>24), byte(c>>16), byte(c>>8), byte(c)))
				mask = append(mask, sum[:]...)
			}
			salt := make([]byte, 32)
			for i := range salt {
				salt[i] = db[len(db)-32+i] ^ mask[len(db)-32+i]
			}
			salts[string(salt)] = true
		}
		if len(salts) != 2 {
			t.Errorf("PS256 used the same salt for two messages")
		}
	})
}

// TestJwtsignRFC6979 checks the ES256 nonce against RFC 6979 appendix A.2.5
// (P-256, SHA-256): same key and message give the RFC's r and s.
func TestJwtsignRFC6979(t *testing.T) {
	s := jsSandbox(t)
	const d = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"
	for _, c := range []struct{ msg, r, s string }{
		{"sample", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"},
		{"test", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367", "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"},
	} {
		a := s.call(t, 1, "pmprepJwtEcSign(require('crypto-js'), BigInt('0x' + A[0]), require('crypto-js').SHA256(A[1]).toString())", d, c.msg)
		if want := `"` + strings.ToLower(c.r+c.s) + `"`; a.Error != "" || string(a.Out) != want {
			t.Errorf("ECDSA of %q = %s (error %q), want %s", c.msg, a.Out, a.Error, want)
		}
	}
}

// TestJwtsignRefusals: unsupported keys and algorithms are refused with a
// message naming what is wrong and what is supported, never quoting the key.
func TestJwtsignRefusals(t *testing.T) {
	s := jsSandbox(t)
	rsa1024 := rsaKey(t, 1024)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsa2048 := rsaKey(t, 2048)
	p8 := mustDER(x509.MarshalPKCS8PrivateKey(rsa2048))
	//lint:ignore SA1019 legacy encrypted PEM is exactly the input to refuse
	legacy, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa2048), []byte("pw"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	// A CRT fault: dp off by one would leak a factor of n in the signature.
	badDP := mustDER(asn1.Marshal(struct {
		Version               int
		N                     *big.Int
		E                     int
		D, P, Q, Dp, Dq, Qinv *big.Int
	}{0, rsa2048.N, rsa2048.E, rsa2048.D, rsa2048.Primes[0], rsa2048.Primes[1],
		new(big.Int).Add(rsa2048.Precomputed.Dp, big.NewInt(1)), rsa2048.Precomputed.Dq, rsa2048.Precomputed.Qinv}))
	ecPEM := pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(p256Key(t))))
	rsaPEM := pemText("PRIVATE KEY", p8)
	for _, c := range []struct {
		name, alg, key string
		want           string // in the message
	}{
		{"RSA 1024 PKCS#8", "RS256", pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(rsa1024))), "1024-bit RSA"},
		{"RSA 1024 PKCS#1", "PS256", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa1024)), "1024-bit RSA"},
		{"P-384 PKCS#8", "ES256", pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(p384))), "curve 1.3.132.0.34 (P-384)"},
		{"P-384 SEC1", "ES256", pemText("EC PRIVATE KEY", mustDER(x509.MarshalECPrivateKey(p384))), "curve 1.3.132.0.34 (P-384)"},
		{"Ed25519", "ES256", pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(edKey))), "algorithm 1.3.101.112 (Ed25519)"},
		{"encrypted PKCS#8", "RS256", pemText("ENCRYPTED PRIVATE KEY", p8), "encrypted PEM"},
		{"legacy encrypted PEM", "RS256", string(pem.EncodeToMemory(legacy)), "encrypted PEM"},
		{"public key only", "RS256", pemText("PUBLIC KEY", mustDER(x509.MarshalPKIXPublicKey(&rsa2048.PublicKey))), "PUBLIC KEY PEM block but no PRIVATE KEY"},
		{"garbage", "RS256", "not a key at all", "not a PEM private key"},
		{"empty", "ES256", "", "not a PEM private key"},
		{"not base64", "RS256", "-----BEGIN PRIVATE KEY-----\nMIIE!!!!vQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n", "not base64"},
		{"random DER", "RS256", pemText("PRIVATE KEY", []byte("0123456789abcdefghijklmnopqrstuvwxyz")), "not valid DER"},
		{"truncated", "RS256", pemText("PRIVATE KEY", p8[:len(p8)/2]), "not valid DER"},
		{"trailing bytes", "RS256", pemText("PRIVATE KEY", append(append([]byte{}, p8...), 0, 0)), "bytes after"},
		{"OpenSSH key", "RS256", pemText("OPENSSH PRIVATE KEY", []byte("openssh-key-v1\x00abcdefghijklmnop")), "unsupported OPENSSH PRIVATE KEY format"},
		{"CRT fault", "RS256", pemText("RSA PRIVATE KEY", badDP), "inconsistent RSA key"},
		{"ES256 with RSA", "ES256", rsaPEM, "ES256 does not fit the private key, which is RSA"},
		{"RS256 with EC", "RS256", ecPEM, "RS256 does not fit the private key, which is EC P-256"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := s.call(t, 1, signExpr, c.alg, c.key, map[string]string{}, testClaims)
			if a.Error == "" || a.Name != "Error" {
				t.Fatalf("signed (%s) or threw a %s, want a refusal", a.Out, a.Name)
			}
			checkRefusal(t, a.Error, c.key)
			if !strings.Contains(a.Error, c.want) {
				t.Errorf("message %q does not say %q", a.Error, c.want)
			}
			if c.name != "CRT fault" && !strings.Contains(c.name, " with ") {
				if k := s.call(t, 1, keyAlgExpr, c.key); k.Error != a.Error {
					t.Errorf("pmprepJwtKeyAlg: %q (out %s), want the same refusal %q", k.Error, k.Out, a.Error)
				}
			}
		})
	}
	for _, alg := range []string{"none", "HS512", "ES384", ""} {
		a := s.call(t, 1, signExpr, alg, rsaPEM, map[string]string{}, testClaims)
		if want := "; supported: HS256, RS256, RS384, RS512, PS256, ES256"; !strings.Contains(a.Error, "unsupported JWT alg") || !strings.HasSuffix(a.Error, want) {
			t.Errorf("alg %q: %q, want an unsupported-alg message ending in %q", alg, a.Error, want)
		}
	}
	if a := s.call(t, 1, signExpr, "HS256", "", map[string]string{}, testClaims); a.Error != "the HS256 secret (the client secret) is empty" {
		t.Errorf("HS256 with an empty secret: %q", a.Error)
	}
}

// checkRefusal asserts that msg says what is supported and holds no 16
// characters in a row of the key: its PEM body, or the text when not PEM
// (a PEM label such as "OPENSSH PRIVATE KEY" may be named).
func checkRefusal(t testing.TB, msg, key string) {
	t.Helper()
	if !strings.Contains(msg, "; supported: unencrypted PKCS#8 or PKCS#1 RSA (2048 to 8192 bits), PKCS#8 or SEC1 EC P-256") {
		t.Errorf("message %q does not name what is supported", msg)
	}
	text := key
	if b, _ := pem.Decode([]byte(key)); b != nil {
		text = base64.StdEncoding.EncodeToString(b.Bytes)
	}
	for i := 0; i+16 <= len(text); i++ {
		if strings.Contains(msg, text[i:i+16]) {
			t.Fatalf("message %q quotes the key (%q)", msg, text[i:i+16])
		}
	}
}

// derSeeds are valid key encodings whose mutations the DER parser must refuse
// cleanly (or accept as a key): never a TypeError, never a hang.
func derSeeds(t testing.TB) map[string][]byte {
	ec := p256Key(t)
	return map[string][]byte{
		"PRIVATE KEY":     mustDER(x509.MarshalPKCS8PrivateKey(ec)),
		"EC PRIVATE KEY":  mustDER(x509.MarshalECPrivateKey(ec)),
		"RSA PRIVATE KEY": x509.MarshalPKCS1PrivateKey(rsaKey(t, 2048)),
	}
}

// checkParse parses der under label with pmprepJwtKeyAlg and accepts either a
// key or one of jwtsign's own refusals.
func checkParse(t testing.TB, s *sandbox, label string, der []byte) {
	t.Helper()
	key := pemText(label, der)
	a := s.call(t, 1, keyAlgExpr, key)
	switch {
	case a.Error == "":
		if o := string(a.Out); o != `"RS256"` && o != `"ES256"` {
			t.Fatalf("%s %x: pmprepJwtKeyAlg = %s", label, der, o)
		}
	case a.Name != "Error":
		t.Fatalf("%s %x: threw %s %q, want jwtsign's own Error", label, der, a.Name, a.Error)
	default:
		checkRefusal(t, a.Error, key)
	}
}

// TestJwtsignDERMutations truncates valid keys at every byte and overwrites
// every byte of their first 64 with values that stress lengths and tags.
func TestJwtsignDERMutations(t *testing.T) {
	s := jsSandbox(t)
	for label, der := range derSeeds(t) {
		for n := 0; n < len(der); n++ {
			// Every cut near the structure's headers and ends; a sample inside long integers.
			if n < 64 || n%16 == 0 || n > len(der)-64 {
				checkParse(t, s, label, der[:n])
			}
		}
		for i := 0; i < len(der) && i < 64; i++ {
			for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0x81, 0x84, 0xff, der[i] ^ 0x20} {
				m := append([]byte{}, der...)
				m[i] = v
				checkParse(t, s, label, m)
			}
		}
	}
}

// FuzzJwtsignDER feeds arbitrary DER under each PEM label.
func FuzzJwtsignDER(f *testing.F) {
	labels := []string{"PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"}
	for i, label := range labels {
		f.Add(byte(i), derSeeds(f)[label])
	}
	f.Fuzz(func(t *testing.T, which byte, der []byte) {
		if len(der) > 4096 {
			t.Skip("keys are smaller")
		}
		checkParse(t, jsSandbox(t), labels[int(which)%len(labels)], der)
	})
}

// TestJwtsignInRunners runs jwtsign.js in a collection pre-request script under
// the pinned newman 6 (no WebCrypto in its sandbox) and the pinned Postman CLI,
// sends the RS256, PS256 and ES256 assertions it signs to a loopback server,
// verifies them in Go and reports the time per signature.
func TestJwtsignInRunners(t *testing.T) {
	node, root := jwtsignDeps(t)
	lib, err := os.ReadFile(filepath.Join(root, "templates", "jwtsign.js"))
	if err != nil {
		t.Fatal(err)
	}
	rk, ek := rsaKey(t, 2048), p256Key(t)
	script := string(lib) + `
var C = require('crypto-js'), n = 20, out = { webcrypto: typeof crypto };
[['RS256', 'rsa_key'], ['PS256', 'rsa_key'], ['ES256', 'ec_key']].forEach(function (c) {
  var key = pm.environment.get(c[1]), claims = ` + string(mustDER(json.Marshal(testClaims))) + `, t0 = Date.now(), jws, i;
  out[c[0] + '_default'] = pmprepJwtKeyAlg(key);
  out[c[0]] = pmprepJwtSign(C, c[0], key, { kid: 'k1' }, claims);
  out[c[0] + '_first_ms'] = Date.now() - t0; // what a run pays: one signature per token request
  for (t0 = Date.now(), i = 0; i < n; i++) jws = pmprepJwtSign(C, c[0], key, { kid: 'k1' }, claims);
  out[c[0] + '_ms'] = (Date.now() - t0) / n;
});
pm.variables.set('signed', JSON.stringify(out));
`
	env := map[string]any{"name": "keys", "values": []any{
		map[string]any{"key": "rsa_key", "value": pemText("PRIVATE KEY", mustDER(x509.MarshalPKCS8PrivateKey(rk))), "type": "secret"},
		map[string]any{"key": "ec_key", "value": pemText("EC PRIVATE KEY", mustDER(x509.MarshalECPrivateKey(ek))), "type": "secret"},
	}}
	modules := filepath.Join(root, "testdata", "e2e", "node_modules")
	for _, runner := range []struct {
		name string
		bin  string
		cmd  func(bin, coll, env, home string) *exec.Cmd
	}{
		{"newman", filepath.Join(modules, ".bin", "newman"), func(bin, coll, env, home string) *exec.Cmd {
			return exec.Command(node, bin, "run", coll, "-e", env, "--reporters", "cli", "--color", "off")
		}},
		{"postman-cli", filepath.Join(modules, "@postman", "pm-bin-linux-x64", "bin", "postman"), func(bin, coll, env, home string) *exec.Cmd {
			cmd := exec.Command(bin, "collection", "run", coll, "-e", env, "--disable-unicode", "--no-report-events")
			// Its own HOME: the CLI writes its settings and logs there.
			cmd.Dir = home
			cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home,
				"XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home, "POSTMAN_CLI_SKIP_UPDATE_CHECK=1", "NO_COLOR=1")
			return cmd
		}},
	} {
		t.Run(runner.name, func(t *testing.T) {
			if _, err := os.Stat(runner.bin); err != nil {
				msg := runner.bin + " is missing (make e2e-deps)"
				if os.Getenv("CI") != "" || os.Getenv("PMPREP_E2E_REQUIRED") == "1" {
					t.Fatal(msg)
				}
				t.Skip(msg)
			}
			got := make(chan []byte, 1)
			coll := map[string]any{
				"info": map[string]any{"name": "jwtsign", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
				"event": []any{map[string]any{"listen": "prerequest", "script": map[string]any{
					"type": "text/javascript", "exec": strings.Split(script, "\n")}}},
				"item": []any{map[string]any{"name": "send", "request": map[string]any{
					"method": "POST", "url": newLoopbackServer(t, got) + "/assertions",
					"body": map[string]any{"mode": "raw", "raw": "{{signed}}"}}}},
			}
			dir := t.TempDir()
			for name, v := range map[string]any{"c.json": coll, "e.json": env} {
				if err := os.WriteFile(filepath.Join(dir, name), mustDER(json.Marshal(v)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := runner.cmd(runner.bin, filepath.Join(dir, "c.json"), filepath.Join(dir, "e.json"), t.TempDir())
			done := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
			out, err := cmd.CombinedOutput()
			done.Stop()
			if err != nil {
				t.Fatalf("%s: %v\n%s", runner.name, err, out)
			}
			var body map[string]any
			select {
			case b := <-got:
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatalf("the server got %q: %v", b, err)
				}
			default:
				t.Fatalf("the request did not reach the server\n%s", out)
			}
			if runner.name == "newman" && body["webcrypto"] != "undefined" {
				t.Errorf("typeof crypto in newman's sandbox = %v; this test is meant to prove signing without WebCrypto", body["webcrypto"])
			}
			for _, alg := range []string{"RS256", "PS256", "ES256"} {
				pub := any(&rk.PublicKey)
				if alg == "ES256" {
					pub = &ek.PublicKey
				}
				jws, _ := body[alg].(string)
				verifyJWS(t, jws, alg, pub)
				first, _ := body[alg+"_first_ms"].(float64)
				ms, _ := body[alg+"_ms"].(float64)
				t.Logf("%s: %s (2048-bit RSA or P-256): first signature %.0f ms, then %.1f ms each (mean of 20)", runner.name, alg, first, ms)
				if first > 500 || ms > 500 {
					t.Errorf("%s took %.0f ms for the first signature, %.1f ms later; want well under 1 s", alg, first, ms)
				}
			}
			if body["RS256_default"] != "RS256" || body["ES256_default"] != "ES256" {
				t.Errorf("pmprepJwtKeyAlg: RSA %v, EC %v", body["RS256_default"], body["ES256_default"])
			}
		})
	}
}

// newLoopbackServer returns the URL of a server on 127.0.0.1 that hands the
// first request body it gets to got.
func newLoopbackServer(t *testing.T, got chan<- []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case got <- b:
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestJwtsignOnlyDeclaresFunctions loads jwtsign.js in an empty node context:
// loading must run nothing (no require, no crypto-js at hand) and define only
// pmprepJwt-prefixed functions, the two public ones with their arities.
func TestJwtsignOnlyDeclaresFunctions(t *testing.T) {
	node, root := jwtsignDeps(t)
	src := filepath.Join(root, "templates", "jwtsign.js")
	out, err := exec.Command(node, "-e", `
const vm = require('vm'), ctx = vm.createContext({});
vm.runInContext(require('fs').readFileSync(process.argv[1], 'utf8'), ctx);
console.log(JSON.stringify(Object.getOwnPropertyNames(ctx).map((k) => [k, typeof ctx[k], ctx[k].length])));
`, src).CombinedOutput()
	if err != nil {
		t.Fatalf("loading jwtsign.js: %v\n%s", err, out)
	}
	var globals [][]any
	if err := json.Unmarshal(out, &globals); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	arity := map[string]float64{}
	for _, g := range globals {
		name, _ := g[0].(string)
		if !strings.HasPrefix(name, "pmprepJwt") || g[1] != "function" {
			t.Errorf("jwtsign.js defines %s %q; want only pmprepJwt* functions", g[1], name)
		}
		arity[name], _ = g[2].(float64)
	}
	if arity["pmprepJwtSign"] != 5 || arity["pmprepJwtKeyAlg"] != 1 {
		t.Errorf("public interface: pmprepJwtSign takes %v parameters (want 5), pmprepJwtKeyAlg %v (want 1)", arity["pmprepJwtSign"], arity["pmprepJwtKeyAlg"])
	}
	text, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "{{") || strings.Contains(string(text), "}}") {
		t.Errorf("jwtsign.js contains {{ or }}, which a text/template embedding it would parse")
	}
	t.Logf("jwtsign.js: %d bytes", len(text))
}
