//go:build unix

package e2e

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordProxy is a forward proxy for newman (HTTP_PROXY / HTTPS_PROXY) that
// sends every request, whatever its host, to the servers.mjs recorder without
// changing a byte of it:
//
//   - a plain-HTTP proxy request (`GET http://host/p HTTP/1.1`, absolute form)
//     is piped as is to the `record` listener, which records scheme and host
//     from the absolute target;
//   - `CONNECT host:443` is answered 200, TLS is terminated with a self-signed
//     certificate generated here (run newman with --insecure), and the
//     decrypted stream is piped to the `record_tls` listener (scheme https,
//     host from the Host header).
//
// It never resolves or dials the requested host: only the two loopback
// recorder addresses. Every connection has a deadline.
type recordProxy struct {
	URL string // http://127.0.0.1:PORT, for HTTP_PROXY and HTTPS_PROXY

	ln       net.Listener
	plain    string // host:port of record
	tlsSide  string // host:port of record_tls
	tlsCfg   *tls.Config
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]bool
	closed   bool
	deadline time.Duration
}

// proxyConnDeadline bounds every proxied connection.
const proxyConnDeadline = 3 * time.Minute

// startRecordProxy starts a proxy to the recorder at recordURL (plain) and
// recordTLSURL (where decrypted https traffic goes); it stops in t.Cleanup.
func startRecordProxy(t testing.TB, recordURL, recordTLSURL string) *recordProxy {
	t.Helper()
	hostOf := func(s string) string {
		u, err := url.Parse(s)
		if err != nil || !strings.HasPrefix(u.Host, "127.0.0.1:") {
			t.Fatalf("record proxy: recorder URL %q is not http://127.0.0.1:PORT", s)
		}
		return u.Host
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("record proxy: %v", err)
	}
	p := &recordProxy{
		URL:      "http://" + ln.Addr().String(),
		ln:       ln,
		plain:    hostOf(recordURL),
		tlsSide:  hostOf(recordTLSURL),
		tlsCfg:   &tls.Config{Certificates: []tls.Certificate{selfSignedCert(t)}, MinVersion: tls.VersionTLS12},
		conns:    map[net.Conn]bool{},
		deadline: proxyConnDeadline,
	}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

func (p *recordProxy) track(c net.Conn, on bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		if p.closed {
			return false
		}
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
	return true
}

// Close stops accepting, closes every open connection and waits for the
// goroutines.
func (p *recordProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	_ = p.ln.Close()
	p.wg.Wait()
}

func (p *recordProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c, true) {
			_ = c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.track(c, false)
			defer c.Close()
			p.handle(c)
		}()
	}
}

// bufConn reads through a bufio.Reader that may hold bytes already read.
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b bufConn) Read(x []byte) (int, error) { return b.r.Read(x) }

func (p *recordProxy) handle(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(p.deadline))
	br := bufio.NewReader(c)
	first, err := br.Peek(8)
	if err != nil {
		return
	}
	var client net.Conn = bufConn{c, br}
	target := p.plain
	if string(first) == "CONNECT " {
		// Read and drop the CONNECT request head.
		for {
			line, err := br.ReadString('\n')
			if err != nil || len(line) > 8<<10 {
				return
			}
			if line == "\r\n" || line == "\n" {
				break
			}
		}
		if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
			return
		}
		tc := tls.Server(bufConn{c, br}, p.tlsCfg)
		if err := tc.Handshake(); err != nil {
			return
		}
		client = tc
		target = p.tlsSide
	}
	up, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return
	}
	if !p.track(up, true) {
		_ = up.Close()
		return
	}
	defer p.track(up, false)
	defer up.Close()
	_ = up.SetDeadline(time.Now().Add(p.deadline))
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, client); closeWrite(up); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, up); closeWrite(client); done <- struct{}{} }()
	<-done
	<-done
}

func closeWrite(c net.Conn) {
	switch x := c.(type) {
	case *net.TCPConn:
		_ = x.CloseWrite()
	case *tls.Conn:
		_ = x.CloseWrite()
	case bufConn:
		closeWrite(x.Conn)
	}
}

var (
	certOnce sync.Once
	certVal  tls.Certificate
	certErr  error
)

// selfSignedCert is a throw-away P-256 certificate for any host name,
// generated once per test binary run.
func selfSignedCert(t testing.TB) tls.Certificate {
	t.Helper()
	certOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			certErr = err
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "pmprep-e2e-record-proxy"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(24 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames:     []string{"*", "localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			certErr = err
			return
		}
		certVal = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	if certErr != nil {
		t.Fatalf("record proxy certificate: %v", certErr)
	}
	return certVal
}
