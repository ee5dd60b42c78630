//go:build unix

package e2e

// Client authentication beyond the shared secret and discovery (SPEC
// "Client authentication and discovery"), against oidc-provider configured
// by this test (servers.mjs --clients, --tls) under newman and the Postman
// CLI. Keys and certificates are generated here with Go's crypto; the
// server verifies every assertion (signature by kid, iss, sub, aud, a
// unique jti, exp), and servers.mjs records each assertion's header and
// claims (never its signature) for the checks below.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// caKeys are the keys and certificates of one test binary run: RSA key
// generation is slow, and nothing depends on fresh ones per test.
type caKeys struct {
	rsa1, rsa2, rsaAssert *rsa.PrivateKey
	rsaSmall              *rsa.PrivateKey // 1024 bits: refused
	ec                    *ecdsa.PrivateKey
	ecP384                *ecdsa.PrivateKey // refused
	// The TLS front's and the runner's certificates, as PEM text ...
	tlsText, caText, cliCertText, cliKeyText string
	// ... and as files in the calling test's temporary directory.
	tlsJSON, caPEM, clientCert, clientKey string
}

var (
	keysOnce sync.Once
	keys     caKeys
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func pkcs8(k any) string             { return pemOf("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(k))) }
func pkcs1(k *rsa.PrivateKey) string { return pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)) }

// encryptedPEM is k in the legacy encrypted PKCS#1 PEM (Proc-Type 4,ENCRYPTED)
// that OpenSSL still writes with -aes256: refused, as the script has no
// passphrase.
func encryptedPEM(k *rsa.PrivateKey) string {
	//lint:ignore SA1019 the test needs the insecure legacy format to prove it is refused
	b := must(x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k), []byte("passphrase"), x509.PEMCipherAES256))
	return string(pem.EncodeToMemory(b))
}

func sec1(k *ecdsa.PrivateKey) string {
	return pemOf("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(k)))
}

// testKeys generates the keys once per test binary and writes the TLS
// material to the test's temporary directory.
func testKeys(t testing.TB) caKeys {
	keysOnce.Do(func() {
		keys.rsa1 = must(rsa.GenerateKey(rand.Reader, 2048))
		keys.rsa2 = must(rsa.GenerateKey(rand.Reader, 2048))
		keys.rsaAssert = must(rsa.GenerateKey(rand.Reader, 2048))
		keys.rsaSmall = must(rsa.GenerateKey(rand.Reader, 1024))
		keys.ec = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		keys.ecP384 = must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))

		caKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		now := time.Now()
		ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pmprep e2e CA"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
		caDER := must(x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey))
		caCert := must(x509.ParseCertificate(caDER))
		leaf := func(serial int64, cn string, server bool) (certPEM, keyPEM string) {
			k := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
			tpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
				NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
			if server {
				tpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
				tpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
			}
			der := must(x509.CreateCertificate(rand.Reader, tpl, caCert, &k.PublicKey, caKey))
			return pemOf("CERTIFICATE", der), pkcs8(k)
		}
		srvCert, srvKey := leaf(2, "127.0.0.1", true)
		cliCert, cliKey := leaf(3, "tls-client", false)
		keys.caText, keys.cliCertText, keys.cliKeyText = pemOf("CERTIFICATE", caDER), cliCert, cliKey
		keys.tlsText = string(must(json.Marshal(map[string]string{"cert": srvCert, "key": srvKey, "ca": keys.caText})))
	})
	k := keys
	dir := t.TempDir()
	k.caPEM, k.clientCert = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "client.pem")
	k.clientKey, k.tlsJSON = filepath.Join(dir, "client-key.pem"), filepath.Join(dir, "tls.json")
	for f, text := range map[string]string{k.caPEM: k.caText, k.clientCert: k.cliCertText, k.clientKey: k.cliKeyText, k.tlsJSON: k.tlsText} {
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, text := range []string{pkcs8(k.rsa1), pkcs8(k.rsa2), pkcs8(k.rsaAssert), pkcs8(k.ec), pkcs1(k.rsa1), sec1(k.ec)} {
		registerPEM(text)
	}
	return k
}

// registerPEM makes every base64 line of a PEM key a secret that no output
// may contain.
func registerPEM(text string) {
	for _, l := range strings.Split(text, "\n") {
		if len(l) >= 16 && !strings.HasPrefix(l, "-----") {
			registerSecrets(l)
		}
	}
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, k *rsa.PrivateKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "n": b64u(k.N.Bytes()), "e": b64u(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(kid string, k *ecdsa.PrivateKey) map[string]any {
	pad := func(b []byte) []byte { return append(make([]byte, 32-len(b)), b...) }
	return map[string]any{"kty": "EC", "crv": "P-256", "kid": kid, "x": b64u(pad(k.X.Bytes())), "y": b64u(pad(k.Y.Bytes()))}
}

// The oidc-provider clients of these tests.
const (
	secretJWTClient     = "secret-jwt-client"
	secretJWTSecret     = "test-secret-jwt-0123456789abcdefghijklmnopqrstuv-ZX81"
	keyJWTClient        = "key-jwt-client" // two RSA keys, k1 and k2, and an EC key
	assertionClient     = "assertion-client"
	tlsClient           = "tls-client"
	publicClient        = "public-client"
	assertionType       = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	clientAuthLifetimes = 60 * time.Second
)

// clientAuthServers starts servers.mjs with this file's clients and TLS front.
func clientAuthServers(t testing.TB, k caKeys, lifetime time.Duration) *Servers {
	registerSecrets(secretJWTSecret)
	base := map[string]any{"grant_types": []string{"client_credentials"}, "response_types": []string{}, "redirect_uris": []string{}, "scope": "api:read api:write"}
	client := func(extra map[string]any) map[string]any {
		c := map[string]any{}
		for k, v := range base {
			c[k] = v
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	clients := []map[string]any{
		client(map[string]any{"client_id": secretJWTClient, "client_secret": secretJWTSecret, "token_endpoint_auth_method": "client_secret_jwt"}),
		client(map[string]any{"client_id": keyJWTClient, "token_endpoint_auth_method": "private_key_jwt",
			"jwks": map[string]any{"keys": []any{rsaJWK("k1", k.rsa1), rsaJWK("k2", k.rsa2), ecJWK("e1", k.ec), rsaJWK("ci-2026", k.rsa1)}}}),
		client(map[string]any{"client_id": assertionClient, "token_endpoint_auth_method": "private_key_jwt",
			"jwks": map[string]any{"keys": []any{rsaJWK("ci", k.rsaAssert)}}}),
		client(map[string]any{"client_id": tlsClient, "token_endpoint_auth_method": "tls_client_auth", "tls_client_auth_subject_dn": "CN=tls-client"}),
		client(map[string]any{"client_id": publicClient, "token_endpoint_auth_method": "none"}),
	}
	f := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(f, must(json.Marshal(clients)), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServers(t, lifetime, "--clients", f, "--tls", k.tlsJSON)
	if srv.OIDCTLS == "" {
		t.Fatal("servers.mjs --tls gave no oidc_tls URL")
	}
	return srv
}

// mintAssertion is what a CI provider would hand out: an RS256 JWT for
// client id, audience aud, expiring at exp.
func mintAssertion(t *testing.T, k *rsa.PrivateKey, kid, id, aud string, exp time.Time) string {
	head := b64u(must(json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})))
	now := time.Now()
	var jti [12]byte
	rand.Read(jti[:])
	claims := b64u(must(json.Marshal(map[string]any{"iss": id, "sub": id, "aud": aud, "jti": b64u(jti[:]),
		"iat": now.Add(-time.Minute).Unix(), "exp": exp.Unix()})))
	sum := sha256.Sum256([]byte(head + "." + claims))
	sig := must(rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:]))
	a := head + "." + claims + "." + b64u(sig)
	registerSecrets(a)
	return a
}

// clientAuthCase is one run: inject flags, environment, extra runner
// arguments, and what must happen.
type clientAuthCase struct {
	name   string
	inject []string
	env    map[string]string
	args   []string // runner arguments (--env-var for secrets, TLS flags)
	// On success: the client that got the token, and the assertion header
	// the server saw (alg, kid; nil: no assertion).
	client string
	header map[string]string
	// On failure: the failing test and what its message names.
	failTest  string
	failParts []string
	// tokenRequests the run must make (failures: 0 when refused before
	// sending, 1 when the server refused).
	tokenRequests int
}

func TestClientAuthMethods(t *testing.T) { forEachRunner(t, testClientAuthMethods) }

func testClientAuthMethods(t *testing.T, run Runner) {
	k := testKeys(t)
	srv := clientAuthServers(t, k, clientAuthLifetimes)
	tlsFlags := []string{"--ssl-client-cert", k.clientCert, "--ssl-client-key", k.clientKey, "--ssl-extra-ca-certs", k.caPEM}
	envFor := func(id, tokenURL string) map[string]string {
		return map[string]string{"base_url": srv.API, "token_url": tokenURL, "client_id": id}
	}
	keyVar := func(pem string) []string { return []string{"--env-var", "client_private_key=" + pem} }
	ok := func(c clientAuthCase) clientAuthCase { c.tokenRequests = 1; return c }
	cases := []clientAuthCase{
		ok(clientAuthCase{name: "client_secret_jwt", inject: []string{"--client-auth", "client_secret_jwt"},
			env: envFor(secretJWTClient, srv.OIDCToken), args: []string{"--env-var", "client_secret=" + secretJWTSecret},
			client: secretJWTClient, header: map[string]string{"alg": "HS256"}}),
		ok(clientAuthCase{name: "private_key_jwt RSA PKCS#8 kid k1", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "k1"), args: keyVar(pkcs8(k.rsa1)),
			client: keyJWTClient, header: map[string]string{"alg": "RS256", "kid": "k1"}}),
		ok(clientAuthCase{name: "private_key_jwt RSA PKCS#1 kid k2", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "k2"), args: keyVar(pkcs1(k.rsa2)),
			client: keyJWTClient, header: map[string]string{"alg": "RS256", "kid": "k2"}}),
		ok(clientAuthCase{name: "private_key_jwt EC P-256 SEC1", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "e1"), args: keyVar(sec1(k.ec)),
			client: keyJWTClient, header: map[string]string{"alg": "ES256", "kid": "e1"}}),
		ok(clientAuthCase{name: "private_key_jwt EC P-256 PKCS#8", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "e1"), args: keyVar(pkcs8(k.ec)),
			client: keyJWTClient, header: map[string]string{"alg": "ES256", "kid": "e1"}}),
		ok(clientAuthCase{name: "private_key_jwt PS256", inject: []string{"--client-auth", "private_key_jwt", "--assertion-alg", "PS256"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "k1"), args: keyVar(pkcs8(k.rsa1)),
			client: keyJWTClient, header: map[string]string{"alg": "PS256", "kid": "k1"}}),
		ok(clientAuthCase{name: "assertion minted elsewhere", inject: []string{"--client-auth", "assertion"},
			env:    envFor(assertionClient, srv.OIDCToken),
			args:   []string{"--env-var", "client_assertion=" + mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(5*time.Minute))},
			client: assertionClient, header: map[string]string{"alg": "RS256", "kid": "ci"}}),
		ok(clientAuthCase{name: "tls_client_auth", inject: []string{"--client-auth", "tls"},
			env: envFor(tlsClient, srv.OIDCTLS+"/token"), args: tlsFlags, client: tlsClient}),
		ok(clientAuthCase{name: "public client", inject: []string{"--client-auth", "none"},
			env: envFor(publicClient, srv.OIDCToken), client: publicClient}),

		{name: "wrong key", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "k1"), args: keyVar(pkcs8(k.rsa2)),
			failTest: "pmprep: token request", failParts: []string{"invalid_client", "401"}, tokenRequests: 1},
		{name: "wrong kid", inject: []string{"--client-auth", "private_key_jwt"},
			env: withKV(envFor(keyJWTClient, srv.OIDCToken), "client_key_id", "k9"), args: keyVar(pkcs8(k.rsa1)),
			failTest: "pmprep: token request", failParts: []string{"invalid_client"}, tokenRequests: 1},
		{name: "expired assertion", inject: []string{"--client-auth", "assertion"},
			env:      envFor(assertionClient, srv.OIDCToken),
			args:     []string{"--env-var", "client_assertion=" + mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(-time.Minute))},
			failTest: "pmprep: token variables", failParts: []string{`variable "client_assertion"`, "expired"}},
		{name: "missing certificate", inject: []string{"--client-auth", "tls"},
			env: envFor(tlsClient, srv.OIDCTLS+"/token"), args: []string{"--ssl-extra-ca-certs", k.caPEM},
			failTest: "pmprep: token request", failParts: []string{"invalid_client"}, tokenRequests: 1},
		{name: "RSA key under 2048 bits", inject: []string{"--client-auth", "private_key_jwt"},
			env: envFor(keyJWTClient, srv.OIDCToken), args: keyVar(pkcs8(k.rsaSmall)),
			failTest: "pmprep: token variables", failParts: []string{`variable "client_private_key"`, "2048", "supported"}},
		{name: "encrypted PEM", inject: []string{"--client-auth", "private_key_jwt"},
			env: envFor(keyJWTClient, srv.OIDCToken), args: keyVar(encryptedPEM(k.rsa1)),
			failTest: "pmprep: token variables", failParts: []string{`variable "client_private_key"`, "encrypted PEM", "supported"}},
		{name: "EC P-384 key", inject: []string{"--client-auth", "private_key_jwt"},
			env: envFor(keyJWTClient, srv.OIDCToken), args: keyVar(pkcs8(k.ecP384)),
			failTest: "pmprep: token variables", failParts: []string{`variable "client_private_key"`, "P-256"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetStats(t)
			dir := t.TempDir()
			coll := injected(t, dir, collectionJSON("clientauth", nil, item{name: "me", path: "/me", tests: status200}), c.inject...)
			e := env(t, dir, "local", c.env)
			r := run.Run(t, append([]string{coll, "-e", e, "-n", "3"}, c.args...)...)
			st := srv.Stats(t)
			assertNoKeyMaterial(t, r.Output, k)
			if c.failTest != "" {
				mustFailWith(t, r, c.failTest, c.failParts...)
				if st.API.Requests != 0 {
					t.Errorf("the main request was sent %d times without a token", st.API.Requests)
				}
			} else {
				mustPass(t, r)
				if st.API.OK != 3 || st.Token.OIDC.ByClient[c.client] != 1 {
					t.Errorf("API ok %d (want 3), token requests by client %v (want one by %s)", st.API.OK, st.Token.OIDC.ByClient, c.client)
				}
			}
			// A failure is remembered: the next two iterations send nothing.
			if st.Token.OIDC.Requests != c.tokenRequests {
				t.Errorf("%d token requests, want %d", st.Token.OIDC.Requests, c.tokenRequests)
			}
			if c.header == nil {
				if c.failTest == "" && len(st.Assertions) != 0 {
					t.Errorf("an assertion was sent: %+v", st.Assertions)
				}
				return
			}
			if len(st.Assertions) != 1 {
				t.Fatalf("the server saw %d assertions, want 1", len(st.Assertions))
			}
			a := st.Assertions[0]
			for key, want := range c.header {
				if a.Header[key] != want {
					t.Errorf("assertion header %s = %v, want %s", key, a.Header[key], want)
				}
			}
			if a.Type != assertionType {
				t.Errorf("client_assertion_type %q", a.Type)
			}
			if c.inject[1] == "assertion" {
				return // minted by the test: its claims are the test's
			}
			iat, _ := a.Claims["iat"].(float64)
			exp, _ := a.Claims["exp"].(float64)
			jti, _ := a.Claims["jti"].(string)
			if a.Claims["iss"] != c.client || a.Claims["sub"] != c.client || a.Claims["aud"] != srv.OIDCToken ||
				len(jti) < 16 || exp <= iat || exp-iat > 300 {
				t.Errorf("claims %v: want iss = sub = %s, aud = %s, a jti, 0 < exp - iat <= 300", a.Claims, c.client, srv.OIDCToken)
			}
		})
	}
}

// Renewal signs a fresh assertion (a new jti each time, which
// oidc-provider's replay check demands); an assertion obtained elsewhere is
// used for one token only, and renewing then fails naming client_assertion.
func TestClientAssertionRenewal(t *testing.T) { forEachRunner(t, testClientAssertionRenewal) }

func testClientAssertionRenewal(t *testing.T, run Runner) {
	k := testKeys(t)
	srv := clientAuthServers(t, k, 2*time.Second)
	dir := t.TempDir()
	// 2 s tokens renewed 1 s early (the skew's cap) and 1.1 s between
	// requests: every request but the first renews.
	coll := injected(t, dir, collectionJSON("renew", nil, item{name: "me", path: "/me", tests: status200}),
		"--client-auth", "private_key_jwt")
	e := env(t, dir, "local", withKV(map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": keyJWTClient}, "client_key_id", "e1"))
	r := run.Run(t, coll, "-e", e, "-n", "3", "--delay-request", "1100", "--env-var", "client_private_key="+sec1(k.ec))
	assertNoKeyMaterial(t, r.Output, k)
	mustPass(t, r)
	st := srv.Stats(t)
	jtis := map[any]bool{}
	for _, a := range st.Assertions {
		jtis[a.Claims["jti"]] = true
	}
	if st.Token.OIDC.OK < 2 || len(jtis) != len(st.Assertions) {
		t.Errorf("%d tokens, %d assertions with %d distinct jti: want renewals, each with a fresh jti", st.Token.OIDC.OK, len(st.Assertions), len(jtis))
	}

	srv.ResetStats(t)
	coll = injected(t, dir, collectionJSON("renew", nil, item{name: "me", path: "/me", tests: status200}),
		"--client-auth", "assertion")
	e = env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": assertionClient})
	a := mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(5*time.Minute))
	r = run.Run(t, coll, "-e", e, "-n", "3", "--delay-request", "1100", "--env-var", "client_assertion="+a)
	mustFailWith(t, r, "pmprep: token variables", `variable "client_assertion"`, "already used")
	st = srv.Stats(t)
	if st.Token.OIDC.Requests != 1 || st.API.OK != 1 {
		t.Errorf("%d token requests and %d API successes; want 1 and 1 (one token per assertion)", st.Token.OIDC.Requests, st.API.OK)
	}
}

// Discovery: one GET of the issuer's metadata per run, its token_endpoint
// used; a failed discovery stops the request and names the issuer.
func TestDiscovery(t *testing.T) { forEachRunner(t, testDiscovery) }

func testDiscovery(t *testing.T, run Runner) {
	k := testKeys(t)
	srv := clientAuthServers(t, k, clientAuthLifetimes)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("disc", nil, item{name: "me", path: "/me", tests: status200}),
		"--client-auth", "client_secret_jwt", "--issuer", "{{issuer}}")
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "issuer": srv.OIDC, "client_id": secretJWTClient})
	r := run.Run(t, coll, "-e", e, "-n", "5", "--env-var", "client_secret="+secretJWTSecret)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Discovery["/.well-known/openid-configuration"] != 1 || len(st.Discovery) != 1 || st.Token.OIDC.Requests != 1 || st.API.OK != 5 {
		t.Errorf("discovery GETs %v (want one of openid-configuration), token requests %d (want 1), API ok %d (want 5)",
			st.Discovery, st.Token.OIDC.Requests, st.API.OK)
	}
	if len(st.Assertions) != 1 || st.Assertions[0].Claims["aud"] != srv.OIDCToken {
		t.Errorf("the assertion's aud is not the discovered token endpoint %s: %+v", srv.OIDCToken, st.Assertions)
	}

	// An issuer with no metadata: both well-known URLs are tried, then the
	// run fails before any token request.
	srv.ResetStats(t)
	e = env(t, dir, "local", map[string]string{"base_url": srv.API, "issuer": srv.OIDC + "/tenant-x", "client_id": secretJWTClient})
	r = run.Run(t, coll, "-e", e, "-n", "2", "--env-var", "client_secret="+secretJWTSecret)
	mustFailWith(t, r, "pmprep: token request", "discovery", srv.OIDC+"/tenant-x", "oauth-authorization-server/tenant-x", "HTTP 404")
	st = srv.Stats(t)
	if st.Token.OIDC.Requests != 0 || st.API.Requests != 0 {
		t.Errorf("after a failed discovery: %d token requests, %d API requests; want none", st.Token.OIDC.Requests, st.API.Requests)
	}
}

func withKV(m map[string]string, k, v string) map[string]string {
	m[k] = v
	return m
}

// assertNoKeyMaterial: no line of any test key's PEM is in out.
func assertNoKeyMaterial(t *testing.T, out string, k caKeys) {
	t.Helper()
	for _, text := range []string{pkcs8(k.rsa1), pkcs8(k.rsa2), pkcs8(k.ec), pkcs1(k.rsa1), pkcs1(k.rsa2), sec1(k.ec), pkcs8(k.rsaSmall), pkcs8(k.ecP384)} {
		for _, l := range strings.Split(text, "\n") {
			if len(l) >= 16 && !strings.HasPrefix(l, "-----") && strings.Contains(out, l) {
				t.Fatalf("runner output contains key material")
			}
		}
	}
}

// BenchmarkNewmanSigningScriptOverhead: what a private_key_jwt script (it
// carries the signing code) costs per request in newman beside the basic
// script, once its token is cached: 200 requests, one signature, medians of
// three interleaved runs.
func BenchmarkNewmanSigningScriptOverhead(b *testing.B) {
	k := testKeys(b)
	srv := clientAuthServers(b, k, 300*time.Second)
	dir := b.TempDir()
	coll := collectionJSON("bench", nil, item{name: "r", path: "/r"})
	basicDir, keyDir := filepath.Join(dir, "basic"), filepath.Join(dir, "key")
	os.MkdirAll(basicDir, 0o755)
	os.MkdirAll(keyDir, 0o755)
	basic := injected(b, basicDir, coll, "--client-auth", "client_secret_jwt")
	signing := injected(b, keyDir, coll, "--client-auth", "private_key_jwt")
	plain := injected(b, dir, coll)
	e := env(b, dir, "bench", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_key_id": "k1"})
	runs := map[string][]float64{}
	for i := 0; i < b.N; i++ {
		for rep := 0; rep < 3; rep++ {
			for name, c := range map[string]struct{ coll, id string }{"basic": {plain, srv.Creds.BasicClientID}, "client_secret_jwt": {basic, secretJWTClient}, "private_key_jwt": {signing, keyJWTClient}} {
				srv.ResetStats(b)
				r := runners[0].Run(b, c.coll, "-e", e, "-n", "200", "--env-var", "client_id="+c.id,
					"--env-var", "client_secret="+map[string]string{"basic": srv.Creds.BasicClientSecret, "client_secret_jwt": secretJWTSecret}[name],
					"--env-var", "client_private_key="+pkcs8(k.rsa1))
				if r.ExitCode != 0 {
					r.Log(b)
					b.Fatalf("%s: exit %d", name, r.ExitCode)
				}
				if st := srv.Stats(b); st.Token.OIDC.Requests != 1 || st.API.OK != 200 {
					b.Fatalf("%s: %d token requests, %d API successes; want 1 and 200", name, st.Token.OIDC.Requests, st.API.OK)
				}
				tm := r.Summary.Run.Timings
				runs[name] = append(runs[name], (tm["completed"]-tm["started"])/200)
			}
		}
	}
	med := func(v []float64) float64 { sort.Float64s(v); return v[len(v)/2] }
	b.ReportMetric(med(runs["basic"]), "ms/req-basic")
	b.ReportMetric(med(runs["client_secret_jwt"])-med(runs["basic"]), "ms/req-client_secret_jwt-extra")
	b.ReportMetric(med(runs["private_key_jwt"])-med(runs["basic"]), "ms/req-private_key_jwt-extra")
}

// Zero-config: a Postman oauth2 block that sends a client assertion among
// its extra token parameters (Postman has no field for one) becomes
// client_auth assertion; the literal assertion moves out of the file and
// comes from the client_assertion variable at run time.
func TestZeroConfigClientAssertion(t *testing.T) { forEachRunner(t, testZeroConfigClientAssertion) }

func testZeroConfigClientAssertion(t *testing.T, run Runner) {
	k := testKeys(t)
	srv := clientAuthServers(t, k, clientAuthLifetimes)
	dir := t.TempDir()
	stale := mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(-time.Hour))
	coll := fmt.Sprintf(`{
	"info": {"name": "zc", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "client_credentials"},
		{"key": "accessTokenUrl", "value": %q},
		{"key": "clientId", "value": %q},
		{"key": "client_authentication", "value": "body"},
		{"key": "tokenRequestParams", "value": [
			{"key": "client_assertion_type", "value": %q, "enabled": true, "send_as": "request_body"},
			{"key": "client_assertion", "value": %q, "enabled": true, "send_as": "request_body"}]}]},
	"item": [{"name": "me", "event": [{"listen": "test", "script": {"exec": [%q]}}], "request": {"method": "GET", "url": "{{base_url}}/me"}}]
}`, srv.OIDCToken, assertionClient, assertionType, stale, status200[0])
	in := filepath.Join(dir, "api.postman_collection.json")
	if err := os.WriteFile(in, []byte(coll), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.json")
	_, stderr, code := pmprep(t, dir, "inject", in, "-o", out)
	if code != 0 || !strings.Contains(stderr, "client authentication assertion: from the oauth2 block") ||
		!strings.Contains(stderr, "tokenRequestParams.client_assertion -> {{client_assertion}}") {
		t.Fatalf("inject exit %d, summary:\n%s", code, redact(stderr))
	}
	if strings.Contains(string(must(os.ReadFile(out))), stale) {
		t.Fatal("the literal assertion stayed in the output")
	}
	e := env(t, dir, "local", map[string]string{"base_url": srv.API})
	fresh := mintAssertion(t, k.rsaAssert, "ci", assertionClient, srv.OIDCToken, time.Now().Add(5*time.Minute))
	r := run.Run(t, out, "-e", e, "-n", "2", "--env-var", "client_assertion="+fresh)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.ByClient[assertionClient] != 1 || st.API.OK != 2 || len(st.Assertions) != 1 {
		t.Errorf("token requests %v, API ok %d, assertions %d; want one token by %s and two API successes", st.Token.OIDC.ByClient, st.API.OK, len(st.Assertions), assertionClient)
	}
}
