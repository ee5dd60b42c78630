// JWT signing for client assertions (RFC 7523) inside newman 6's sandbox, which has
// no WebCrypto and no node crypto: only crypto-js (hashes, HMAC, encodings) and BigInt.
// Function declarations only, no state: it is pasted into the generated script as is.
// Nothing comes from Math.random (not a secure source): ES256 nonces follow RFC 6979
// and the PSS salt is derived from the key and the message. Errors never quote the key.
// Timing side channels are not defended: signing runs on the user's own runner, once
// per token request, where no one else can time it.

// pmprepJwtSign(CryptoJS, alg, keyText, header, claims) -> "b64url(header).b64url(claims).b64url(sig)"
// alg HS256: keyText is the shared secret; RS256, RS384, RS512, PS256: an RSA PEM; ES256: an EC P-256 PEM.
// Errors say "the private key" (its variable is renamable): the caller prefixes the variable's name.
function pmprepJwtSign(C, alg, keyText, header, claims) {
  var h = { alg: alg, typ: 'JWT' }, k, input, sig;
  for (k in header || {}) if (k !== 'alg' && k !== 'typ') h[k] = header[k];
  input = pmprepJwtB64u(C, C.enc.Utf8.parse(JSON.stringify(h))) + '.' +
    pmprepJwtB64u(C, C.enc.Utf8.parse(JSON.stringify(claims)));
  if (alg === 'HS256') {
    if (typeof keyText !== 'string' || keyText === '') throw new Error('the HS256 secret (the client secret) is empty');
    sig = C.HmacSHA256(C.enc.Utf8.parse(input), C.enc.Utf8.parse(keyText)).toString();
  } else if (/^(RS256|RS384|RS512|PS256|ES256)$/.test(alg)) {
    k = pmprepJwtParseKey(C, keyText);
    if ((alg === 'ES256') !== (k.kind === 'EC')) {
      pmprepJwtFail('alg ' + alg + ' does not fit the private key, which is ' + (k.kind === 'EC' ? 'EC P-256' : 'RSA') +
        ' (RS256, RS384, RS512 and PS256 need RSA; ES256 needs EC P-256)');
    }
    sig = k.kind === 'EC' ? pmprepJwtEcSign(C, k.d, C.SHA256(input).toString()) : pmprepJwtRsaSign(C, alg, k, input);
  } else {
    throw new Error('unsupported JWT alg ' + JSON.stringify(String(alg)) + '; supported: HS256, RS256, RS384, RS512, PS256, ES256');
  }
  return input + '.' + pmprepJwtB64u(C, C.enc.Hex.parse(sig));
}

// pmprepJwtKeyAlg(keyText) -> "RS256" for an RSA private key, "ES256" for EC P-256.
function pmprepJwtKeyAlg(keyText) {
  return pmprepJwtParseKey(require('crypto-js'), keyText).kind === 'EC' ? 'ES256' : 'RS256';
}

function pmprepJwtFail(what) {
  throw new Error(what + '; supported: unencrypted PKCS#8 or PKCS#1 RSA (2048 to 8192 bits), PKCS#8 or SEC1 EC P-256');
}

function pmprepJwtB64u(C, words) {
  return C.enc.Base64.stringify(words).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

// pmprepJwtParseKey reads the first PEM block labelled "... PRIVATE KEY" and returns
// {kind: 'RSA', n, e, d, p, q, dp, dq, qi, bits} or {kind: 'EC', d} (BigInts).
function pmprepJwtParseKey(C, keyText) {
  // Keys pasted into a one-line variable often carry literal "\n" escapes.
  var text = String(keyText == null ? '' : keyText).replace(/\\r/g, '').replace(/\\n/g, '\n');
  var re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g, m, other = '';
  while ((m = re.exec(text)) && !/PRIVATE KEY$/.test(m[1])) other = other || m[1];
  if (!m) pmprepJwtFail(other ? 'the private key text has a ' + other + ' PEM block but no PRIVATE KEY block' : 'the private key is not a PEM private key');
  if (m[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(m[2])) pmprepJwtFail('the private key is an encrypted PEM');
  var body = m[2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+\/]+={0,2}$/.test(body) || body.length % 4) pmprepJwtFail('the private key PEM body is not base64');
  var raw = C.enc.Latin1.stringify(C.enc.Base64.parse(body)), b = [], i;
  for (i = 0; i < raw.length; i++) b.push(raw.charCodeAt(i) & 0xff);
  var parse = { 'PRIVATE KEY': pmprepJwtPkcs8, 'RSA PRIVATE KEY': pmprepJwtPkcs1, 'EC PRIVATE KEY': pmprepJwtSec1 }[m[1]];
  if (!parse) pmprepJwtFail('the private key is in the unsupported ' + m[1] + ' format');
  var top = pmprepJwtDer(b, 0, b.length, 0x30);
  if (top.end !== b.length) pmprepJwtFail('the private key has bytes after its DER structure');
  return parse(b, top);
}

// pmprepJwtDer reads one DER element of b[pos:end) and returns {tag, start, end} of its
// content. Every length is checked against end, so malformed input fails, never loops.
function pmprepJwtDer(b, pos, end, tag) {
  var bad = 'the private key is not valid DER';
  if (pos + 2 > end) pmprepJwtFail(bad);
  var t = b[pos], len = b[pos + 1], at = pos + 2, n;
  if (tag !== undefined && t !== tag) pmprepJwtFail(bad);
  if (len & 0x80) {
    n = len & 0x7f; // long form: 1 to 3 length bytes are plenty for a key
    if (n < 1 || n > 3 || at + n > end) pmprepJwtFail(bad);
    for (len = 0; n > 0; n--) len = len * 256 + b[at++];
  }
  if (len > end - at) pmprepJwtFail(bad);
  return { tag: t, start: at, end: at + len };
}

// pmprepJwtKids lists the elements inside a constructed element.
function pmprepJwtKids(b, el) {
  var kids = [], pos = el.start, k;
  while (pos < el.end) {
    k = pmprepJwtDer(b, pos, el.end);
    kids.push(k);
    pos = k.end;
  }
  return kids;
}

function pmprepJwtHex(b, el) {
  var s = '', i;
  for (i = el.start; i < el.end; i++) s += (b[i] | 0x100).toString(16).slice(1);
  return s;
}

// pmprepJwtInt reads a non-negative INTEGER.
function pmprepJwtInt(b, el) {
  if (!el || el.tag !== 0x02 || el.end === el.start || b[el.start] & 0x80) pmprepJwtFail('the private key is not valid DER');
  return BigInt('0x' + pmprepJwtHex(b, el));
}

// pmprepJwtOid names an OBJECT IDENTIFIER in dotted form, with a common name when known.
function pmprepJwtOid(b, el) {
  if (!el || el.tag !== 0x06 || el.end === el.start) pmprepJwtFail('the private key is not valid DER');
  var out = [Math.floor(b[el.start] / 40), b[el.start] % 40], v = 0, i;
  for (i = el.start + 1; i < el.end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) { out.push(v); v = 0; }
  }
  var s = out.join('.'), names = {
    '1.2.840.113549.1.1.1': 'RSA', '1.2.840.10045.2.1': 'EC', '1.2.840.10045.3.1.7': 'P-256',
    '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521', '1.3.132.0.10': 'secp256k1',
    '1.3.101.112': 'Ed25519', '1.3.101.113': 'Ed448', '1.2.840.113549.1.1.10': 'RSASSA-PSS', '1.2.840.10040.4.1': 'DSA'
  };
  return names[s] ? s + ' (' + names[s] + ')' : s;
}

// PKCS#8 PrivateKeyInfo: SEQUENCE { version, AlgorithmIdentifier { oid, params }, OCTET STRING key, ... }.
function pmprepJwtPkcs8(b, top) {
  var kids = pmprepJwtKids(b, top);
  if (kids.length < 3 || kids[1].tag !== 0x30 || kids[2].tag !== 0x04) pmprepJwtFail('the private key is not valid PKCS#8');
  var alg = pmprepJwtKids(b, kids[1]), oid = pmprepJwtOid(b, alg[0]), rsa = oid === '1.2.840.113549.1.1.1 (RSA)';
  if (!rsa && oid !== '1.2.840.10045.2.1 (EC)') pmprepJwtFail('the private key algorithm ' + oid + ' is not supported');
  var inner = pmprepJwtDer(b, kids[2].start, kids[2].end, 0x30);
  if (inner.end !== kids[2].end) pmprepJwtFail('the private key is not valid DER');
  return rsa ? pmprepJwtPkcs1(b, inner) : pmprepJwtSec1(b, inner, pmprepJwtOid(b, alg[1]));
}

// PKCS#1 RSAPrivateKey: SEQUENCE { version 0, n, e, d, p, q, dp, dq, qi }.
function pmprepJwtPkcs1(b, top) {
  var kids = pmprepJwtKids(b, top), v = [], i;
  if (kids.length < 9) pmprepJwtFail('the private key is not a valid RSA key');
  for (i = 0; i < 9; i++) v.push(pmprepJwtInt(b, kids[i]));
  if (v[0] !== 0n) pmprepJwtFail('the private key is a multi-prime RSA key');
  var k = { kind: 'RSA', n: v[1], e: v[2], d: v[3], p: v[4], q: v[5], dp: v[6], dq: v[7], qi: v[8] };
  k.bits = k.n.toString(2).length;
  if (k.bits < 2048 || k.bits > 8192) pmprepJwtFail('the private key is ' + k.bits + '-bit RSA');
  if (k.p * k.q !== k.n) pmprepJwtFail('the private key is an inconsistent RSA key');
  return k;
}

// SEC1 ECPrivateKey: SEQUENCE { version 1, OCTET STRING d, [0] curve OID OPTIONAL, [1] public key OPTIONAL }.
function pmprepJwtSec1(b, top, curve) {
  var kids = pmprepJwtKids(b, top), i;
  if (kids.length < 2 || kids[1].tag !== 0x04) pmprepJwtFail('the private key is not a valid EC key');
  for (i = 2; i < kids.length; i++) {
    if (kids[i].tag === 0xa0) curve = pmprepJwtOid(b, pmprepJwtDer(b, kids[i].start, kids[i].end));
  }
  // Without a named curve only the scalar's size tells: 32 bytes is P-256.
  if (!curve && kids[1].end - kids[1].start !== 32) curve = 'with a ' + (kids[1].end - kids[1].start) + '-byte scalar';
  if (curve && curve !== '1.2.840.10045.3.1.7 (P-256)') pmprepJwtFail('the private key is on EC curve ' + curve);
  var d = BigInt('0x0' + pmprepJwtHex(b, kids[1]));
  if (d < 1n || d >= pmprepJwtP256().n) pmprepJwtFail('the private key is not a valid EC P-256 key');
  return { kind: 'EC', d: d };
}

// pmprepJwtPow is modular exponentiation with 4-bit windows (one per hex digit of e):
// a quarter of the multiplications of plain square-and-multiply.
function pmprepJwtPow(x, e, m) {
  var t = [1n % m], hex = e.toString(16), r = 1n, i;
  for (i = 1; i < 16; i++) t[i] = (t[i - 1] * x) % m;
  for (i = 0; i < hex.length; i++) {
    r = (r * r) % m; r = (r * r) % m; r = (r * r) % m; r = (r * r) % m;
    r = (r * t[parseInt(hex[i], 16)]) % m;
  }
  return r;
}

function pmprepJwtIntHex(x, bytes) {
  var s = x.toString(16);
  while (s.length < 2 * bytes) s = '0' + s;
  return s;
}

// pmprepJwtRsaSign returns the hex RSASSA-PKCS1-v1_5 (RS*) or RSASSA-PSS (PS256) signature.
function pmprepJwtRsaSign(C, alg, k, input) {
  var len = Math.ceil(k.bits / 8), em, mh, salt, hh, db, mask, i, top;
  if (alg === 'PS256') {
    // RFC 8017 9.1.1, SHA-256, MGF1-SHA-256, 32-byte salt. PSS is secure with any salt,
    // even a fixed one; deriving it by HMAC keyed with a hash of d keeps it secret and
    // independent of Math.random, and makes signatures reproducible.
    var emBits = k.bits - 1, emLen = Math.ceil(emBits / 8);
    mh = C.SHA256(input);
    salt = C.HmacSHA256(mh, C.SHA256(C.enc.Hex.parse(pmprepJwtIntHex(k.d, len)))).toString();
    hh = C.SHA256(C.enc.Hex.parse('0000000000000000' + mh.toString() + salt)).toString();
    db = pmprepJwtIntHex(1n, emLen - 64 - 1) + salt; // DB = zeros || 0x01 || salt
    for (mask = '', i = 0; mask.length < db.length; i++) mask += C.SHA256(C.enc.Hex.parse(hh + pmprepJwtIntHex(BigInt(i), 4))).toString();
    // maskedDB = DB xor mask, its top 8*emLen - emBits bits cleared (so EM < n).
    em = (BigInt('0x' + db) ^ BigInt('0x' + mask.slice(0, db.length))) & ((1n << BigInt(emBits - 33 * 8)) - 1n);
    em = pmprepJwtIntHex(em, emLen - 33) + hh + 'bc';
  } else {
    top = { RS256: ['SHA256', '3031300d060960864801650304020105000420'], RS384: ['SHA384', '3041300d060960864801650304020205000430'],
      RS512: ['SHA512', '3051300d060960864801650304020305000440'] }[alg];
    var t = top[1] + C[top[0]](input).toString();
    em = '0001' + new Array(len - 3 - t.length / 2 + 1).join('ff') + '00' + t;
  }
  var m = BigInt('0x' + em);
  // CRT: two half-size exponentiations instead of one full one, about 3x faster.
  var m1 = pmprepJwtPow(m % k.p, k.dp, k.p), m2 = pmprepJwtPow(m % k.q, k.dq, k.q);
  var s = m2 + ((((m1 - m2) % k.p + k.p) * k.qi) % k.p) * k.q;
  // A CRT fault (bad dp, dq or qi in the key) would leak a factor of n in the signature.
  if (pmprepJwtPow(s, k.e, k.n) !== m) pmprepJwtFail('the private key is an inconsistent RSA key');
  return pmprepJwtIntHex(s, len);
}

function pmprepJwtP256() {
  return {
    p: BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    gx: BigInt('0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
    gy: BigInt('0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5')
  };
}

// pmprepJwtMulG returns the affine x of k*G: left-to-right double-and-add in Jacobian
// coordinates (a = -3 doubling, mixed addition of the affine G), one inversion at the end.
function pmprepJwtMulG(c, k) {
  var p = c.p, X = c.gx, Y = c.gy, Z = 1n, bits = k.toString(2), i;
  function md(v) { v %= p; return v < 0n ? v + p : v; }
  for (i = 1; i < bits.length; i++) {
    var dl = md(Z * Z), gm = md(Y * Y), be = md(X * gm), al = md(3n * (X - dl) * (X + dl));
    var X3 = md(al * al - 8n * be);
    Z = md((Y + Z) * (Y + Z) - gm - dl);
    Y = md(al * (4n * be - X3) - 8n * gm * gm);
    X = X3;
    if (bits[i] === '1') {
      var zz = md(Z * Z), h = md(c.gx * zz - X), r = md(2n * (c.gy * Z * zz - Y));
      // k < n keeps the running multiple away from +-G, so h is never 0 here.
      if (h === 0n) throw new Error('internal error: P-256 addition of equal points');
      var hh = md(h * h), ii = 4n * hh, j = md(h * ii), v = md(X * ii);
      X3 = md(r * r - j - 2n * v);
      Y = md(r * (v - X3) - 2n * Y * j);
      Z = md((Z + h) * (Z + h) - zz - hh);
      X = X3;
    }
  }
  var zi = pmprepJwtPow(Z, p - 2n, p);
  return md(X * zi * zi);
}

// pmprepJwtEcSign returns the hex r||s ECDSA P-256 signature of a SHA-256 digest (hex),
// with the RFC 6979 (3.2) deterministic nonce: no random source needed.
function pmprepJwtEcSign(C, d, digest) {
  var c = pmprepJwtP256(), n = c.n, x = pmprepJwtIntHex(d, 32), z = BigInt('0x' + digest);
  var h1 = pmprepJwtIntHex(z % n, 32), H = function (key, msg) { return C.HmacSHA256(C.enc.Hex.parse(msg), C.enc.Hex.parse(key)).toString(); };
  var V = new Array(33).join('01'), K = pmprepJwtIntHex(0n, 32), i, k, r, s;
  K = H(K, V + '00' + x + h1); V = H(K, V);
  K = H(K, V + '01' + x + h1); V = H(K, V);
  for (i = 0; i < 64; i++) { // a retry has probability ~2^-128; the bound only guarantees an end
    V = H(K, V);
    k = BigInt('0x' + V);
    if (k >= 1n && k < n) {
      r = pmprepJwtMulG(c, k) % n;
      s = (pmprepJwtPow(k, n - 2n, n) * (z + r * d)) % n;
      if (r !== 0n && s !== 0n) return pmprepJwtIntHex(r, 32) + pmprepJwtIntHex(s, 32);
    }
    K = H(K, V + '00'); V = H(K, V);
  }
  throw new Error('internal error: no ECDSA nonce found');
}
