//go:build unix

package e2e

// Test helpers for the end-to-end suite. See testdata/e2e/README.md for the
// servers these drive.
//
//	srv := startServers(t, 4*time.Second)   // oidc, oauth2, api, fault, admin on 127.0.0.1
//	res := newman(t, collection, "--env-var", "token_url="+srv.OIDCToken, ...)
//	st  := srv.Stats(t)                      // token requests, refresh reuse, API 401s, ...
//
// Nothing here prints a secret: credentials come from testdata/e2e/credentials.json
// (fake, overridable by PMPREP_E2E_* variables), and output that may carry
// tokens is passed through redact before it is logged.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// readyTimeout bounds how long startServers waits for the ready line.
	readyTimeout = 20 * time.Second
	// stopTimeout bounds how long cleanup waits after SIGTERM before SIGKILL.
	stopTimeout = 5 * time.Second
	// serversMaxRuntime is a last-resort bound passed to servers.mjs (seconds).
	serversMaxRuntime = 3600
)

// newmanTimeout bounds one newman run. Tests that need longer can change it
// for their duration (not in parallel tests).
var newmanTimeout = 2 * time.Minute

// httpClient is used for every helper request; all traffic is to 127.0.0.1.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// ---------------------------------------------------------------------------
// Locating the repository and the Node dependencies

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// repoRoot returns the directory holding go.mod, found by walking up from the
// test's working directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = errors.New("go.mod not found above the working directory")
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatalf("e2e: %v", rootErr)
	}
	return rootDir
}

// e2eDir is testdata/e2e under the repository root.
func e2eDir(t testing.TB) string { return filepath.Join(repoRoot(t), "testdata", "e2e") }

// e2eRequired reports whether missing dependencies must fail rather than skip:
// in CI (CI set to anything but "", "0", "false") or with PMPREP_E2E_REQUIRED=1.
func e2eRequired() bool {
	if os.Getenv("PMPREP_E2E_REQUIRED") == "1" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false", "no":
		return false
	}
	return true
}

var (
	depsOnce    sync.Once
	depsMissing []string
	nodePath    string
)

// requireE2EDeps skips the test (or fails it in CI / with PMPREP_E2E_REQUIRED=1)
// when node (>= 20) or testdata/e2e/node_modules is missing.
func requireE2EDeps(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the end-to-end suite runs in make test")
	}
	dir := e2eDir(t)
	depsOnce.Do(func() {
		p, err := exec.LookPath("node")
		if err != nil {
			depsMissing = append(depsMissing, "node is not on PATH")
		} else {
			nodePath = p
			out, err := exec.Command(p, "--version").Output()
			v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
			major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
			if err != nil || major < 20 {
				depsMissing = append(depsMissing, fmt.Sprintf("node >= 20 is needed (found %q)", strings.TrimSpace(string(out))))
			}
		}
		for _, f := range []string{
			"node_modules/.bin/newman",
			"node_modules/oidc-provider/package.json",
			"node_modules/@node-oauth/oauth2-server/package.json",
		} {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
				depsMissing = append(depsMissing, "testdata/e2e/"+f+" is missing")
			}
		}
	})
	if len(depsMissing) == 0 {
		return
	}
	msg := "e2e dependencies missing (" + strings.Join(depsMissing, "; ") +
		"): run make e2e-deps (npm ci --prefix testdata/e2e)"
	if e2eRequired() {
		t.Fatal(msg + " [CI or PMPREP_E2E_REQUIRED=1 is set, so this fails instead of skipping]")
	}
	t.Skip(msg)
}

// ---------------------------------------------------------------------------
// Credentials

// Credentials are the fake, test-only client ids, secrets and user of the
// local servers: testdata/e2e/credentials.json, each key overridable by the
// environment variable PMPREP_E2E_<KEY> (upper case), exactly as servers.mjs
// reads them.
type Credentials struct {
	BasicClientID       string `json:"basic_client_id"`       // oidc, client_secret_basic only
	BasicClientSecret   string `json:"basic_client_secret"`   //
	BodyClientID        string `json:"body_client_id"`        // oidc, client_secret_post only
	BodyClientSecret    string `json:"body_client_secret"`    //
	SpecialClientID     string `json:"special_client_id"`     // oidc, client_secret_basic only; id and secret need RFC 6749 §2.3.1 form-encoding
	SpecialClientSecret string `json:"special_client_secret"` //
	OAuth2ClientID      string `json:"oauth2_client_id"`      // oauth2: password, refresh_token, client_credentials; Basic or body
	OAuth2ClientSecret  string `json:"oauth2_client_secret"`  //
	Username            string `json:"username"`              // oauth2 password grant user
	Password            string `json:"password"`              //
	Audience            string `json:"audience"`              // resource/audience accepted by oidc
	Scope               string `json:"scope"`                 // all scopes the servers know
}

// secretValues lists the values that must never appear in test output.
func (c Credentials) secretValues() []string {
	return []string{c.BasicClientSecret, c.BodyClientSecret, c.SpecialClientSecret, c.OAuth2ClientSecret, c.Password}
}

// loadCredentials reads testdata/e2e/credentials.json and applies the
// PMPREP_E2E_* overrides. The returned map is what is passed to servers.mjs.
func loadCredentials(t testing.TB) (Credentials, map[string]string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e2eDir(t), "credentials.json"))
	if err != nil {
		t.Fatalf("e2e: reading credentials.json: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("e2e: credentials.json: %v", err)
	}
	vals := map[string]string{}
	for k, v := range raw {
		s, ok := v.(string)
		if !ok || strings.HasPrefix(k, "_") {
			continue
		}
		if o := os.Getenv("PMPREP_E2E_" + strings.ToUpper(k)); o != "" {
			s = o
		}
		vals[k] = s
	}
	b, _ := json.Marshal(vals)
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("e2e: credentials: %v", err)
	}
	registerSecrets(c.secretValues()...)
	return c, vals
}

// ---------------------------------------------------------------------------
// Redaction

var (
	secretsMu sync.Mutex
	secrets   = map[string]bool{}

	redactPatterns = []struct {
		re   *regexp.Regexp
		repl string
	}{
		{regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}`), "${1}<redacted>"},
		{regexp.MustCompile(`(?i)(basic\s+)[A-Za-z0-9+/=]{8,}`), "${1}<redacted>"},
		{regexp.MustCompile(`("?(?:access_token|refresh_token|id_token|client_secret|password)"?\s*[:=]\s*"?)[^"&\s,}]+`), "${1}<redacted>"},
		{regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`), "<redacted-jwt>"},
	}
)

func registerSecrets(vals ...string) {
	secretsMu.Lock()
	defer secretsMu.Unlock()
	for _, v := range vals {
		if len(v) >= 4 {
			secrets[v] = true
		}
	}
}

// redact removes the known fake secrets and anything that looks like a
// token or credential from s, for logging.
func redact(s string) string {
	secretsMu.Lock()
	vals := make([]string, 0, len(secrets))
	for v := range secrets {
		vals = append(vals, v)
	}
	secretsMu.Unlock()
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		s = strings.ReplaceAll(s, v, "<secret>")
		s = strings.ReplaceAll(s, url.QueryEscape(v), "<secret>")
	}
	for _, p := range redactPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// ---------------------------------------------------------------------------
// Servers

// Servers is one running testdata/e2e/servers.mjs process.
type Servers struct {
	OIDC        string // oidc-provider issuer base URL
	OIDCToken   string // its token endpoint
	OAuth2      string // @node-oauth/oauth2-server base URL
	OAuth2Token string // its token endpoint
	API         string // protected API base URL (any path)
	Fault       string // fault-injection server base URL; token endpoints are Fault+"/token/<mode>"
	FaultToken  string // Fault + "/token/ok"
	Admin       string // admin/observability base URL
	Audience    string // resource/audience identifier the oidc server accepts
	// OIDCTLS is oidc's https front (servers.mjs --tls), asking for client
	// certificates; "" without --tls.
	OIDCTLS string

	Lifetime        time.Duration // access token lifetime on every server
	RefreshLifetime time.Duration // oauth2 refresh token lifetime
	PID             int

	Creds Credentials

	proc *serverProc
}

// FaultURL returns the fault endpoint for mode (e.g. "500", "jwt-exp").
func (s *Servers) FaultURL(mode string) string { return s.Fault + "/token/" + mode }

// Redact removes secrets and tokens from s (for logging).
func (s *Servers) Redact(str string) string { return redact(str) }

type readyLine struct {
	OIDC            string `json:"oidc"`
	OIDCToken       string `json:"oidc_token"`
	OAuth2          string `json:"oauth2"`
	OAuth2Token     string `json:"oauth2_token"`
	API             string `json:"api"`
	Fault           string `json:"fault"`
	FaultToken      string `json:"fault_token"`
	Admin           string `json:"admin"`
	Stats           string `json:"stats"`
	Audience        string `json:"audience"`
	OIDCTLS         string `json:"oidc_tls"`
	Lifetime        int    `json:"lifetime"`
	RefreshLifetime int    `json:"refresh_lifetime"`
	PID             int    `json:"pid"`
}

// serverProc is the node process behind a Servers.
type serverProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *lineWriter
	stderr *capBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, valid after done
}

// startServers starts testdata/e2e/servers.mjs with the given access token
// lifetime (whole seconds, >= 1s) and extra servers.mjs flags, waits (bounded)
// for its ready line and stops the process group in t.Cleanup. It skips the
// test when the Node dependencies are missing (fails in CI).
func startServers(t testing.TB, lifetime time.Duration, extraArgs ...string) *Servers {
	t.Helper()
	requireE2EDeps(t)
	if lifetime < time.Second || lifetime%time.Second != 0 {
		t.Fatalf("startServers: lifetime must be a whole number of seconds >= 1s, got %v", lifetime)
	}
	creds, credVals := loadCredentials(t)
	dir := e2eDir(t)

	args := append([]string{
		filepath.Join(dir, "servers.mjs"),
		"--lifetime", strconv.Itoa(int(lifetime / time.Second)),
		"--max-runtime", strconv.Itoa(serversMaxRuntime),
	}, extraArgs...)
	cmd := exec.Command(nodePath, args...)
	cmd.Dir = dir
	env := os.Environ()
	for k, v := range credVals {
		env = append(env, "PMPREP_E2E_"+strings.ToUpper(k)+"="+v)
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	p := &serverProc{
		cmd:    cmd,
		stdout: newLineWriter(),
		stderr: &capBuffer{max: 64 << 10},
		done:   make(chan struct{}),
	}
	cmd.Stdout = p.stdout
	cmd.Stderr = p.stderr
	stdin, err := cmd.StdinPipe() // servers.mjs exits when this closes, even if we crash
	if err != nil {
		t.Fatalf("startServers: %v", err)
	}
	p.stdin = stdin
	if err := cmd.Start(); err != nil {
		t.Fatalf("startServers: starting node: %v", err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("servers.mjs stderr (redacted, tail):\n%s", redact(tail(p.stderr.String(), 8<<10)))
		}
	})

	var line string
	select {
	case line = <-p.stdout.first:
	case <-p.done:
		t.Fatalf("servers.mjs exited before it was ready (%v); stderr:\n%s", p.err, redact(tail(p.stderr.String(), 8<<10)))
	case <-time.After(readyTimeout):
		t.Fatalf("servers.mjs not ready within %v; stderr:\n%s", readyTimeout, redact(tail(p.stderr.String(), 8<<10)))
	}
	var r readyLine
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("servers.mjs ready line is not JSON: %v: %q", err, redact(line))
	}
	for name, u := range map[string]string{"oidc": r.OIDC, "oauth2": r.OAuth2, "api": r.API, "fault": r.Fault, "admin": r.Admin} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Fatalf("servers.mjs ready line: %s = %q, want http://127.0.0.1:PORT", name, u)
		}
	}
	return &Servers{
		OIDC:            r.OIDC,
		OIDCToken:       r.OIDCToken,
		OAuth2:          r.OAuth2,
		OAuth2Token:     r.OAuth2Token,
		API:             r.API,
		Fault:           r.Fault,
		FaultToken:      r.FaultToken,
		Admin:           r.Admin,
		Audience:        r.Audience,
		OIDCTLS:         r.OIDCTLS,
		Lifetime:        time.Duration(r.Lifetime) * time.Second,
		RefreshLifetime: time.Duration(r.RefreshLifetime) * time.Second,
		PID:             r.PID,
		Creds:           creds,
		proc:            p,
	}
}

// stop closes stdin, sends SIGTERM to the process group and, if it has not
// exited within stopTimeout, SIGKILL.
func (p *serverProc) stop() {
	_ = p.stdin.Close()
	pid := p.cmd.Process.Pid
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(stopTimeout):
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
	}
}

// lineWriter delivers the first line written to it on first, and keeps the
// rest (servers.mjs must write nothing after the ready line).
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	sent  bool
	first chan string
	rest  bytes.Buffer
}

func newLineWriter() *lineWriter { return &lineWriter{first: make(chan string, 1)} }

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		w.rest.Write(b)
		return len(b), nil
	}
	w.buf.Write(b)
	if i := bytes.IndexByte(w.buf.Bytes(), '\n'); i >= 0 {
		line := string(w.buf.Bytes()[:i])
		w.rest.Write(w.buf.Bytes()[i+1:])
		w.sent = true
		w.first <- line
	}
	return len(b), nil
}

func (w *lineWriter) extra() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rest.String()
}

// capBuffer keeps the last max bytes written to it.
type capBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b = append(c.b, p...)
	if len(c.b) > c.max {
		c.b = append([]byte(nil), c.b[len(c.b)-c.max:]...)
	}
	return len(p), nil
}

func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.b)
}

// ---------------------------------------------------------------------------
// Stats and admin

// TokenStats counts token requests, for one server or for all.
type TokenStats struct {
	Requests int            `json:"requests"`
	OK       int            `json:"ok"`     // 2xx
	Errors   int            `json:"errors"` // anything else, 0 = connection closed without response
	ByGrant  map[string]int `json:"by_grant"`
	ByClient map[string]int `json:"by_client"` // "(none)" when no client id was sent
	ByAuth   map[string]int `json:"by_auth"`   // basic | body | none | both | other
	ByStatus map[string]int `json:"by_status"` // "200", "400", ...
}

// LastTokenRequest describes the most recent token request to a server,
// without secrets. Optional parameters are nil when they were not sent.
type LastTokenRequest struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	GrantType   string   `json:"grant_type"`
	ClientID    string   `json:"client_id"`
	Auth        string   `json:"auth"`
	Scope       *string  `json:"scope"`
	Audience    *string  `json:"audience"`
	Resource    *string  `json:"resource"`
	Username    *string  `json:"username"`
	ParamNames  []string `json:"param_names"`
	ContentType string   `json:"content_type"`
	Status      int      `json:"status"`
}

// APIStats counts requests to the protected API.
type APIStats struct {
	Requests     int            `json:"requests"`
	OK           int            `json:"ok"`
	Unauthorized int            `json:"unauthorized"`
	ByReason     map[string]int `json:"by_reason"` // missing | malformed | invalid | expired | revoked
	ByServer     map[string]int `json:"by_server"` // oidc | oauth2 | fault (accepted requests)
	ByClient     map[string]int `json:"by_client"`
}

// Stats is GET /stats of the admin server.
type Stats struct {
	Token struct {
		All    TokenStats `json:"all"`
		OIDC   TokenStats `json:"oidc"`
		OAuth2 TokenStats `json:"oauth2"`
		Fault  TokenStats `json:"fault"`
	} `json:"token"`
	RefreshRotations       int                         `json:"refresh_rotations"`
	RefreshReuse           int                         `json:"refresh_reuse"`
	OIDCAuthMethodRejected int                         `json:"oidc_auth_method_rejected"`
	Revoked                int                         `json:"revoked"`
	API                    APIStats                    `json:"api"`
	Last                   map[string]LastTokenRequest `json:"last"`       // keyed by oidc | oauth2 | fault
	Discovery              map[string]int              `json:"discovery"`  // GETs by /.well-known/... path
	Assertions             []AssertionSeen             `json:"assertions"` // every client assertion received, in order
}

// AssertionSeen is the header and claims of a client assertion a token
// endpoint received (servers.mjs keeps no signature).
type AssertionSeen struct {
	Server string         `json:"server"`
	Type   string         `json:"type"`
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

func (s *Servers) admin(t testing.TB, method, path string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, s.Admin+path, nil)
	if err != nil {
		t.Fatalf("e2e admin: %v", err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("e2e admin %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("e2e admin %s %s: status %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("e2e admin %s %s: %v", method, path, err)
		}
	}
}

// Stats returns the servers' counters.
func (s *Servers) Stats(t testing.TB) Stats {
	t.Helper()
	var st Stats
	s.admin(t, "GET", "/stats", &st)
	return st
}

// ResetStats zeroes the counters.
func (s *Servers) ResetStats(t testing.TB) {
	t.Helper()
	s.admin(t, "POST", "/admin/reset-stats", nil)
}

// RevokeAll revokes every access token issued so far on every server (refresh
// tokens stay valid) and returns how many were revoked.
func (s *Servers) RevokeAll(t testing.TB) int {
	t.Helper()
	var out struct {
		Revoked int `json:"revoked"`
	}
	s.admin(t, "POST", "/admin/revoke-all", &out)
	return out.Revoked
}

// ---------------------------------------------------------------------------
// Plain HTTP helpers (for tests that talk to the servers directly)

// basicAuth builds an RFC 6749 §2.3.1 Basic header value: id and secret are
// application/x-www-form-urlencoded before Base64.
func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// TokenResponse is a token endpoint's answer. Never log its fields.
type TokenResponse struct {
	Status           int
	ContentType      string
	Body             []byte
	JSON             map[string]any // nil when the body is not a JSON object
	AccessToken      string
	RefreshToken     string
	TokenType        string
	Scope            string
	ExpiresIn        any // as sent: float64, string or nil
	Error            string
	ErrorDescription string
	WWWAuthenticate  string
}

// postToken POSTs form to tokenURL; when authorization is non-empty it is
// sent as the Authorization header (e.g. basicAuth(id, secret)). Network
// errors fail the test.
func postToken(t testing.TB, tokenURL string, form url.Values, authorization string) TokenResponse {
	t.Helper()
	tr, err := tryPostToken(tokenURL, form, authorization)
	if err != nil {
		t.Fatalf("token request to %s: %v", tokenURL, err)
	}
	return tr
}

func tryPostToken(tokenURL string, form url.Values, authorization string) (TokenResponse, error) {
	req, err := http.NewRequest("POST", tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return TokenResponse{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return TokenResponse{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return TokenResponse{}, err
	}
	tr := TokenResponse{
		Status:          resp.StatusCode,
		ContentType:     resp.Header.Get("Content-Type"),
		Body:            body,
		WWWAuthenticate: resp.Header.Get("WWW-Authenticate"),
	}
	if json.Unmarshal(body, &tr.JSON) == nil && tr.JSON != nil {
		str := func(k string) string { s, _ := tr.JSON[k].(string); return s }
		tr.AccessToken = str("access_token")
		tr.RefreshToken = str("refresh_token")
		tr.TokenType = str("token_type")
		tr.Scope = str("scope")
		tr.Error = str("error")
		tr.ErrorDescription = str("error_description")
		tr.ExpiresIn = tr.JSON["expires_in"]
	}
	return tr, nil
}

// APIResponse is the protected API's answer.
type APIResponse struct {
	Status          int
	WWWAuthenticate string
	JSON            map[string]any
}

// apiCall sends method path to the API with authorization as the
// Authorization header (omitted when empty; use "Bearer "+token).
func apiCall(t testing.TB, s *Servers, method, path, authorization string) APIResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.API+path, nil)
	if err != nil {
		t.Fatalf("api request: %v", err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("api request %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	ar := APIResponse{Status: resp.StatusCode, WWWAuthenticate: resp.Header.Get("WWW-Authenticate")}
	_ = json.Unmarshal(body, &ar.JSON)
	return ar
}

// ---------------------------------------------------------------------------
// newman

// NewmanStat is one row of newman's run statistics.
type NewmanStat struct {
	Total   int `json:"total"`
	Pending int `json:"pending"`
	Failed  int `json:"failed"`
}

// NewmanFailure is one entry of run.failures in newman's JSON report.
type NewmanFailure struct {
	Error struct {
		Name    string `json:"name"`
		Message string `json:"message"`
		Test    string `json:"test"`
	} `json:"error"`
	At     string `json:"at"`
	Source struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"source"`
	Parent struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"parent"`
}

// NewmanAssertion is one pm.test result of an execution.
type NewmanAssertion struct {
	Assertion string `json:"assertion"`
	Skipped   bool   `json:"skipped"`
	Error     *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// NewmanExecution is one item execution (the main request; token requests
// made by pm.sendRequest are not listed).
type NewmanExecution struct {
	Item struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"item"`
	Cursor struct {
		Iteration int `json:"iteration"`
	} `json:"cursor"`
	Response *struct {
		Code   int    `json:"code"`
		Status string `json:"status"`
	} `json:"response"`
	RequestError *struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	} `json:"requestError"`
	Assertions []NewmanAssertion `json:"assertions"`
}

// NewmanSummary is the part of newman's JSON report the tests use.
type NewmanSummary struct {
	Run struct {
		// Stats keys: iterations, items, scripts, prerequests, requests, tests,
		// assertions, testScripts, prerequestScripts.
		Stats      map[string]NewmanStat `json:"stats"`
		Failures   []NewmanFailure       `json:"failures"`
		Executions []NewmanExecution     `json:"executions"`
		Timings    map[string]float64    `json:"timings"`
	} `json:"run"`
}

// Stat returns run.stats[name] (zero when absent).
func (s *NewmanSummary) Stat(name string) NewmanStat { return s.Run.Stats[name] }

// FailureMessages lists the failures as "source: name: message".
func (s *NewmanSummary) FailureMessages() []string {
	var out []string
	for _, f := range s.Run.Failures {
		out = append(out, fmt.Sprintf("%s: %s: %s", f.Source.Name, f.Error.Name, f.Error.Message))
	}
	return out
}

// NewmanResult is the outcome of one newman run.
type NewmanResult struct {
	ExitCode int
	Output   string         // combined stdout and stderr, raw: pass it through redact before logging
	Summary  *NewmanSummary // nil when newman wrote no JSON report
	Report   []byte         // the JSON report as written, for readers that need more than Summary
	Duration time.Duration
}

// Log logs the redacted output.
func (r NewmanResult) Log(t testing.TB) {
	t.Helper()
	t.Logf("newman exit %d in %v; output (redacted):\n%s", r.ExitCode, r.Duration.Round(time.Millisecond), redact(tail(r.Output, 16<<10)))
}

// newman runs `newman run ARGS... --reporters cli,json --reporter-json-export TMP
// --color off --disable-unicode` with the pinned newman from
// testdata/e2e/node_modules, bounded by newmanTimeout, in the test's working
// directory. Pass absolute paths. A non-zero exit is returned, not failed on;
// a timeout fails the test. Do not pass --reporters.
func newman(t testing.TB, args ...string) NewmanResult {
	t.Helper()
	return newmanWith(t, RunOptions{}, args...)
}

// newmanWith is newman with o's environment and timeout.
func newmanWith(t testing.TB, o RunOptions, args ...string) NewmanResult {
	t.Helper()
	requireE2EDeps(t)
	for _, a := range args {
		if a == "--reporters" || a == "-r" || strings.HasPrefix(a, "--reporters=") {
			t.Fatalf("newman helper: do not pass %s; the helper sets cli,json", a)
		}
	}
	report := filepath.Join(t.TempDir(), "newman-report.json")
	full := append([]string{"run"}, args...)
	full = append(full, "--reporters", "cli,json", "--reporter-json-export", report, "--color", "off", "--disable-unicode")
	return runnerProcess(t, runnerCommand{
		What:   "newman",
		Bin:    filepath.Join(e2eDir(t), "node_modules", ".bin", "newman"),
		Args:   full,
		Env:    mergeEnv(os.Environ(), o.Env),
		Report: report,
	}, o.timeout())
}

// RunOptions are what a scenario may change about a runner's process.
type RunOptions struct {
	// Env entries (KEY=VALUE) replace inherited variables of the same name,
	// compared case-insensitively (proxy variables come in both cases).
	Env []string
	// Timeout bounds the run; 0 means newmanTimeout.
	Timeout time.Duration
}

func (o RunOptions) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return newmanTimeout
}

// runnerCommand is one runner process to start.
type runnerCommand struct {
	What   string // "newman", "the Postman CLI": for messages
	Bin    string
	Args   []string
	Dir    string   // working directory; "" is the test's
	Env    []string // the whole environment
	Report string   // where the runner writes its newman-shaped JSON report
}

// runnerProcess runs c in its own process group (killed whole on timeout),
// output combined, and reads its JSON report. A non-zero exit is returned,
// not failed on; a timeout or a report that is not JSON fails the test.
func runnerProcess(t testing.TB, c runnerCommand, timeout time.Duration) NewmanResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Bin, c.Args...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	res := NewmanResult{Output: out.String(), Duration: time.Since(start)}
	if ctx.Err() != nil {
		res.ExitCode = -1
		res.Log(t)
		t.Fatalf("%s did not finish within %v", c.What, timeout)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	default:
		t.Fatalf("running %s: %v", c.What, err)
	}
	if data, err := os.ReadFile(c.Report); err == nil {
		var s NewmanSummary
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("%s JSON report: %v", c.What, err)
		}
		res.Summary, res.Report = &s, data
	}
	return res
}

// mergeEnv is base with set's entries replacing those of the same name
// (case-insensitively), set's added at the end.
func mergeEnv(base, set []string) []string {
	names := map[string]bool{}
	for _, kv := range set {
		k, _, _ := strings.Cut(kv, "=")
		names[strings.ToUpper(k)] = true
	}
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !names[strings.ToUpper(k)] {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

// ---------------------------------------------------------------------------
// small polling helper

// waitFor polls cond every interval until it returns true or timeout passes;
// it reports whether cond became true.
func waitFor(timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}

// scanLines is a convenience for tests that inspect output line by line.
func scanLines(s string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
