#!/usr/bin/env node
// servers.mjs — the local OAuth 2.0 world for pmprep's end-to-end tests.
//
// One process, everything on 127.0.0.1, ephemeral ports unless --base-port is given:
//   oidc    oidc-provider (real)              client_credentials, strict client authentication
//   oauth2  @node-oauth/oauth2-server (real)  password + refresh_token (rotation) + client_credentials
//   api     a protected API                   any path; Bearer token required
//   fault   hand-written token endpoint       /token/<mode> for fault injection (supplements the real ones)
//   record  recording endpoint                any method/path, 200 {}; GET /records on admin (before/after tests)
//   admin   observability                     GET /stats, POST /admin/reset-stats, POST /admin/revoke-all
//
// When ready it prints exactly one JSON line on stdout (see README.md) and runs until SIGTERM/SIGINT,
// or until its stdin reaches EOF when stdin is a pipe (so a crashed test runner never leaves it behind).
// Nothing else is ever written to stdout. Secrets and tokens are never logged.

import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors as oidcErrors } from 'oidc-provider';
import OAuth2Server from '@node-oauth/oauth2-server';

// Keep stdout for the ready line only: oidc-provider prints NOTICEs with console.info.
console.log = console.info = console.debug = (...args) => console.error(...args);

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Options

function usage(msg) {
  if (msg) process.stderr.write(`servers.mjs: ${msg}\n`);
  process.stderr.write(`usage: node servers.mjs [--lifetime SECONDS] [--refresh-lifetime SECONDS]
                         [--base-port N] [--max-runtime SECONDS] [--no-stdin-exit] [--log]
                         [--clients FILE] [--tls FILE]
  --clients FILE  a JSON array of extra oidc-provider clients (e.g. private_key_jwt ones with jwks)
  --tls FILE      JSON {"cert", "key", "ca"} (PEM): adds an https front to oidc (ready-line key
                  oidc_tls) that asks for client certificates signed by ca, and turns on
                  tls_client_auth (features.mTLS)
  env: PMPREP_E2E_LIFETIME, PMPREP_E2E_REFRESH_LIFETIME, PMPREP_E2E_BASE_PORT, PMPREP_E2E_LOG=1,
       PMPREP_E2E_<CREDENTIAL KEY> (see credentials.json)
`);
  process.exit(2);
}

function parseArgs(argv) {
  const env = process.env;
  const opts = {
    lifetime: env.PMPREP_E2E_LIFETIME ?? '4',
    refreshLifetime: env.PMPREP_E2E_REFRESH_LIFETIME ?? '3600',
    basePort: env.PMPREP_E2E_BASE_PORT ?? '0',
    maxRuntime: env.PMPREP_E2E_MAX_RUNTIME ?? '0',
    stdinExit: true,
    log: env.PMPREP_E2E_LOG === '1',
    clients: '',
    tls: '',
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => { if (v !== undefined) return v; if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--lifetime': opts.lifetime = next(); break;
      case '--refresh-lifetime': opts.refreshLifetime = next(); break;
      case '--base-port': opts.basePort = next(); break;
      case '--max-runtime': opts.maxRuntime = next(); break;
      case '--no-stdin-exit': opts.stdinExit = false; break;
      case '--log': opts.log = true; break;
      case '--clients': opts.clients = next(); break;
      case '--tls': opts.tls = next(); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  const int = (name, s, min) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < min) usage(`${name} must be an integer >= ${min}, got ${JSON.stringify(s)}`);
    return n;
  };
  return {
    lifetime: int('--lifetime', opts.lifetime, 1),
    refreshLifetime: int('--refresh-lifetime', opts.refreshLifetime, 1),
    basePort: int('--base-port', opts.basePort, 0),
    maxRuntime: int('--max-runtime', opts.maxRuntime, 0),
    stdinExit: opts.stdinExit,
    log: opts.log,
    clients: opts.clients ? JSON.parse(fs.readFileSync(opts.clients, 'utf8')) : [],
    tls: opts.tls ? JSON.parse(fs.readFileSync(opts.tls, 'utf8')) : null,
  };
}

const OPTS = parseArgs(process.argv.slice(2));
const LIFETIME = OPTS.lifetime; // seconds, access tokens everywhere

function loadCredentials() {
  const raw = JSON.parse(fs.readFileSync(path.join(HERE, 'credentials.json'), 'utf8'));
  const creds = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('_')) continue;
    const override = process.env[`PMPREP_E2E_${k.toUpperCase()}`];
    creds[k] = override !== undefined && override !== '' ? override : v;
  }
  return creds;
}
const C = loadCredentials();
const SCOPES = C.scope.split(' ').filter(Boolean);

function log(line) {
  if (OPTS.log) process.stderr.write(`[pmprep-e2e] ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Stats

function newTokenStats() {
  return { requests: 0, ok: 0, errors: 0, by_grant: {}, by_client: {}, by_auth: {}, by_status: {} };
}
let stats;
function resetStats() {
  stats = {
    token: { all: newTokenStats(), oidc: newTokenStats(), oauth2: newTokenStats(), fault: newTokenStats() },
    refresh_rotations: 0,
    refresh_reuse: 0,
    oidc_auth_method_rejected: 0,
    discovery: {}, // path -> GETs of /.well-known/...
    assertions: [], // the claims (never the signature) of every client assertion received
    revoked: 0,
    api: { requests: 0, ok: 0, unauthorized: 0, by_reason: {}, by_server: {}, by_client: {} },
    last: {},
  };
}
resetStats();
const inc = (obj, key, n = 1) => { obj[key] = (obj[key] || 0) + n; };

function formDecode(s) {
  try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { return s; }
}

// Describe a token request without any secret: who, how, which grant, which non-secret params.
function describeTokenRequest(req, form) {
  const authz = req.headers.authorization || '';
  const hasBasic = /^basic\s/i.test(authz);
  const hasBodySecret = form.has('client_secret');
  let auth = 'none';
  if (form.has('client_assertion')) auth = 'assertion';
  else if (req.socket.encrypted && req.socket.getPeerCertificate && req.socket.getPeerCertificate()?.subject) auth = 'tls';
  else if (hasBasic && hasBodySecret) auth = 'both';
  else if (hasBasic) auth = 'basic';
  else if (hasBodySecret) auth = 'body';
  else if (authz) auth = 'other';
  let clientId = form.get('client_id') || '';
  if (hasBasic) {
    const decoded = Buffer.from(authz.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    clientId = formDecode(i >= 0 ? decoded.slice(0, i) : decoded);
  }
  const opt = (k) => (form.has(k) ? form.get(k) : undefined);
  return {
    method: req.method,
    path: req.url.split('?')[0],
    grant_type: form.get('grant_type') || '',
    client_id: clientId,
    auth,
    scope: opt('scope'),
    audience: opt('audience'),
    resource: opt('resource'),
    username: opt('username'),
    param_names: [...new Set(form.keys())].sort(),
    content_type: req.headers['content-type'] || '',
  };
}

// Count a token request when its status is decided (writeHead runs before any byte is sent, so a
// client that has the response can never read stats that miss it).
function trackTokenRequest(server, req, res, form) {
  const d = describeTokenRequest(req, form);
  if (form.has('client_assertion')) {
    // Header and claims only: a signature proves possession, it is no secret, but nothing needs it.
    const [h, c] = String(form.get('client_assertion')).split('.');
    const dec = (x) => { try { return JSON.parse(Buffer.from(x || '', 'base64url').toString('utf8')); } catch { return null; } };
    stats.assertions.push({ server, type: form.get('client_assertion_type') || '', header: dec(h), claims: dec(c) });
  }
  const record = (status) => {
    if (record.done) return;
    record.done = true;
    for (const s of [stats.token.all, stats.token[server]]) {
      s.requests++;
      inc(s.by_grant, d.grant_type || '(none)');
      inc(s.by_client, d.client_id || '(none)');
      inc(s.by_auth, d.auth);
      inc(s.by_status, String(status));
      if (status >= 200 && status < 300) s.ok++; else s.errors++;
    }
    stats.last[server] = { ...d, status };
    log(`${server} ${d.method} ${d.path} grant=${d.grant_type} client=${d.client_id} auth=${d.auth} -> ${status}`);
  };
  const writeHead = res.writeHead;
  res.writeHead = function patchedWriteHead(status, ...rest) {
    record(status);
    return writeHead.call(this, status, ...rest);
  };
  res.on('close', () => record(res.headersSent ? res.statusCode : 0));
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJSON(res, status, body, headers = {}) {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(data),
    ...headers,
  });
  res.end(data);
}

const randomToken = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');

// Access tokens revoked by /admin/revoke-all, kept so the API can say "revoked" rather than "invalid".
const revokedTokens = new Set();

// ---------------------------------------------------------------------------------------------
// Listening helpers

function listen(server, port) {
  // Keep idle keep-alive connections longer than any client would: with
  // node's 5 s default, a request that newman sends on a connection the
  // server is just closing fails with ECONNRESET on a loaded machine.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}
const portFor = (offset) => (OPTS.basePort ? OPTS.basePort + offset : 0);

// ---------------------------------------------------------------------------------------------
// oidc — oidc-provider, client_credentials only, strict token endpoint auth methods.

const oidcHTTP = http.createServer();
const OIDC = await listen(oidcHTTP, portFor(0));
const TLS = OPTS.tls ? await (async () => {
  // The https front of oidc, listening now so its URL is known; its handler is set below.
  const https = await import('node:https');
  const srv = https.createServer({ cert: OPTS.tls.cert, key: OPTS.tls.key, ca: OPTS.tls.ca, requestCert: true, rejectUnauthorized: false });
  return { srv, url: (await listen(srv, portFor(7))).replace('http:', 'https:') };
})() : null;
const OIDC_AUTH_METHOD = new Map([
  [C.basic_client_id, 'basic'],
  [C.body_client_id, 'body'],
  [C.special_client_id, 'basic'],
]);
const oidcIssued = new Set(); // jti of ClientCredentials tokens (for opaque tokens the value is the jti)

const resourceInfo = {
  scope: SCOPES.join(' '),
  audience: C.audience,
  accessTokenTTL: LIFETIME,
  accessTokenFormat: 'opaque',
};

const provider = new Provider(OIDC, {
  clients: [
    {
      client_id: C.basic_client_id,
      client_secret: C.basic_client_secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPES.join(' '),
    },
    {
      client_id: C.body_client_id,
      client_secret: C.body_client_secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: SCOPES.join(' '),
    },
    {
      client_id: C.special_client_id,
      client_secret: C.special_client_secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPES.join(' '),
    },
    ...OPTS.clients,
  ],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none',
    ...(TLS ? ['tls_client_auth'] : [])],
  enabledJWA: { clientAuthSigningAlgValues: ['HS256', 'RS256', 'RS384', 'RS512', 'PS256', 'ES256'] },
  scopes: ['openid', ...SCOPES],
  cookies: { keys: [randomToken()] },
  ttl: {
    ClientCredentials: LIFETIME,
    AccessToken: LIFETIME,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    mTLS: {
      enabled: !!TLS,
      tlsClientAuth: !!TLS,
      getCertificate(ctx) {
        const c = ctx.socket?.getPeerCertificate?.(false);
        return c && c.raw ? new crypto.X509Certificate(c.raw) : undefined;
      },
      certificateAuthorized: (ctx) => !!ctx.socket?.authorized,
      certificateSubjectMatches(ctx, property, expected) {
        const c = ctx.socket?.getPeerCertificate?.(false);
        return property === 'tls_client_auth_subject_dn' && !!c?.subject && c.subject.CN !== undefined && `CN=${c.subject.CN}` === expected;
      },
    },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // A plain client_credentials request (no resource) gets a token for the test API, so its
      // scope is kept. `audience` (Auth0 style) is accepted as an alias of `resource`.
      defaultResource(ctx) {
        const aud = ctx.oidc?.body?.audience;
        return typeof aud === 'string' && aud !== '' ? aud : C.audience;
      },
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, resourceIndicator) {
        if (resourceIndicator === C.audience || resourceIndicator === API || resourceIndicator === `${API}/`) {
          return { ...resourceInfo, audience: resourceIndicator };
        }
        throw new oidcErrors.InvalidTarget('unknown resource (use the test API audience)');
      },
    },
  },
});
provider.on('client_credentials.saved', (token) => { oidcIssued.add(token.jti); });
provider.on('server_error', (ctx, err) => { process.stderr.write(`oidc-provider server_error: ${err?.stack || err}\n`); });

const oidcCallback = provider.callback();
const oidcHandler = async (req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/.well-known/')) inc(stats.discovery, req.url.split('?')[0]);
  if (req.method === 'POST' && req.url.split('?')[0] === '/token') {
    let body;
    try { body = await readBody(req); } catch { res.destroy(); return; }
    const form = new URLSearchParams(body);
    trackTokenRequest('oidc', req, res, form);
    // oidc-provider treats client_secret_basic and client_secret_post as interchangeable (either
    // is accepted for a client registered with one of them). Real servers (and this test) are
    // stricter: a client may use only its registered method.
    const d = describeTokenRequest(req, form);
    const want = OIDC_AUTH_METHOD.get(d.client_id);
    if (want && (d.auth === 'basic' || d.auth === 'body') && d.auth !== want) {
      stats.oidc_auth_method_rejected++;
      const method = want === 'basic' ? 'client_secret_basic' : 'client_secret_post';
      sendJSON(res, 401, {
        error: 'invalid_client',
        error_description: `client authentication failed: this client must use ${method}`,
      }, d.auth === 'basic' ? { 'www-authenticate': 'Basic realm="pmprep-e2e-oidc"' } : {});
      return;
    }
    req.body = body; // oidc-provider reads an already-read body from req.body
  }
  oidcCallback(req, res);
};
oidcHTTP.on('request', oidcHandler);
if (TLS) TLS.srv.on('request', oidcHandler);

// ---------------------------------------------------------------------------------------------
// oauth2 — @node-oauth/oauth2-server with an in-memory model.

const o2 = {
  access: new Map(), // accessToken -> { accessTokenExpiresAt, scope, client, user }
  refresh: new Map(), // refreshToken -> { refreshTokenExpiresAt, scope, client, user }
  rotated: new Set(), // refresh tokens revoked by rotation
};

const o2Client = {
  id: C.oauth2_client_id,
  grants: ['password', 'refresh_token', 'client_credentials'],
  accessTokenLifetime: LIFETIME,
  refreshTokenLifetime: OPTS.refreshLifetime,
};

const o2Model = {
  async getClient(clientId, clientSecret) {
    if (clientId !== C.oauth2_client_id) return null;
    if (clientSecret !== C.oauth2_client_secret) return null;
    return o2Client;
  },
  async getUser(username, password) {
    if (username === C.username && password === C.password) return { id: username, username };
    return null;
  },
  async getUserFromClient(client) {
    return { id: `client:${client.id}` };
  },
  async validateScope(user, client, scope) {
    if (!scope || scope.length === 0) return [...SCOPES];
    return scope.every((s) => SCOPES.includes(s)) ? scope : false;
  },
  async saveToken(token, client, user) {
    // The library derives expires_in by flooring (expiresAt - now); half a second of slack keeps
    // expires_in equal to the configured lifetime.
    const slack = (d) => (d instanceof Date ? new Date(d.getTime() + 500) : d);
    const saved = {
      ...token,
      accessTokenExpiresAt: slack(token.accessTokenExpiresAt),
      refreshTokenExpiresAt: slack(token.refreshTokenExpiresAt),
      client: { id: client.id },
      user,
    };
    o2.access.set(token.accessToken, saved);
    if (token.refreshToken) o2.refresh.set(token.refreshToken, saved);
    return saved;
  },
  async getAccessToken(accessToken) {
    return o2.access.get(accessToken) || null;
  },
  async getRefreshToken(refreshToken) {
    if (o2.rotated.has(refreshToken)) {
      stats.refresh_reuse++;
      log('oauth2 refresh token reuse detected');
      return null; // -> invalid_grant
    }
    const t = o2.refresh.get(refreshToken);
    if (!t) return null;
    return {
      refreshToken,
      refreshTokenExpiresAt: t.refreshTokenExpiresAt,
      scope: t.scope,
      client: t.client,
      user: t.user,
    };
  },
  async revokeToken(token) {
    const had = o2.refresh.delete(token.refreshToken);
    if (had) {
      o2.rotated.add(token.refreshToken);
      stats.refresh_rotations++;
    }
    return had;
  },
};

const oauth2 = new OAuth2Server({
  model: o2Model,
  accessTokenLifetime: LIFETIME,
  refreshTokenLifetime: OPTS.refreshLifetime,
  alwaysIssueNewRefreshToken: true,
});

const oauth2HTTP = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname !== '/token') {
    sendJSON(res, 404, { error: 'not_found', error_description: 'POST /token' });
    return;
  }
  let body;
  try { body = await readBody(req); } catch { res.destroy(); return; }
  const form = new URLSearchParams(body);
  trackTokenRequest('oauth2', req, res, form);
  const request = new OAuth2Server.Request({
    method: req.method,
    headers: req.headers,
    query: Object.fromEntries(url.searchParams),
    body: Object.fromEntries(form),
  });
  const response = new OAuth2Server.Response({ headers: {} });
  try {
    await oauth2.token(request, response);
  } catch (err) {
    if (!(err instanceof OAuth2Server.OAuthError)) {
      process.stderr.write(`oauth2-server error: ${err?.stack || err}\n`);
    }
  }
  let out = response.body;
  if (out && Array.isArray(out.scope)) out = { ...out, scope: out.scope.join(' ') };
  sendJSON(res, response.status || 500, out || { error: 'server_error' }, response.headers || {});
});
const OAUTH2 = await listen(oauth2HTTP, portFor(1));

// ---------------------------------------------------------------------------------------------
// fault — hand-written token endpoint, behaviour chosen by path.

const faultTokens = new Map(); // access_token -> { client, expiresAt (ms) | null, scope }
const JWT_KEY = crypto.randomBytes(32);

function makeJWT(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = enc({ alg: 'HS256', typ: 'JWT' });
  const body = enc(claims);
  const sig = crypto.createHmac('sha256', JWT_KEY).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

const FAULT_MODES = [
  'ok', 'jwt-exp', 'no-expiry', 'expires-string', '500', '400', '401', 'invalid-grant',
  'html', 'no-access-token', 'slow', 'close', '429', '503-date',
];

function issueFault(d, { lifetime, jwt = false, expiry = true }) {
  const now = Date.now();
  const scope = d.scope || SCOPES.join(' ');
  let token;
  if (jwt) {
    token = makeJWT({
      iss: FAULT, sub: d.client_id || 'anonymous', aud: C.audience, scope,
      iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + lifetime, jti: randomToken(9),
    });
  } else {
    token = `fault-${randomToken()}`;
  }
  faultTokens.set(token, { client: d.client_id || '', expiresAt: expiry ? now + lifetime * 1000 : null, scope });
  return { token, scope };
}

const faultHTTP = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const m = /^\/token\/([a-z0-9-]+)\/?$/.exec(url.pathname);
  if (!m || !FAULT_MODES.includes(m[1])) {
    sendJSON(res, 404, { error: 'not_found', error_description: `use /token/{${FAULT_MODES.join(',')}}` });
    return;
  }
  const mode = m[1];
  let body;
  try { body = await readBody(req); } catch { res.destroy(); return; }
  const form = new URLSearchParams(body);
  trackTokenRequest('fault', req, res, form);
  const d = describeTokenRequest(req, form);
  const qLifetime = Number(url.searchParams.get('expires_in'));
  const lifetime = Number.isInteger(qLifetime) && qLifetime > 0 ? qLifetime : LIFETIME;

  switch (mode) {
    case 'ok': {
      const { token, scope } = issueFault(d, { lifetime });
      sendJSON(res, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope });
      return;
    }
    case 'expires-string': {
      const { token, scope } = issueFault(d, { lifetime });
      sendJSON(res, 200, { access_token: token, token_type: 'bearer', expires_in: String(lifetime), scope });
      return;
    }
    case 'jwt-exp': {
      const { token, scope } = issueFault(d, { lifetime, jwt: true });
      sendJSON(res, 200, { access_token: token, token_type: 'Bearer', scope });
      return;
    }
    case 'no-expiry': {
      const { token } = issueFault(d, { lifetime, expiry: false });
      sendJSON(res, 200, { access_token: token, token_type: 'Bearer' });
      return;
    }
    case '500':
      sendJSON(res, 500, { error: 'server_error', error_description: 'injected fault: the token endpoint failed' });
      return;
    case '400':
      sendJSON(res, 400, { error: 'invalid_client', error_description: 'injected fault: client authentication failed' });
      return;
    case '401':
      sendJSON(res, 401, { error: 'invalid_client', error_description: 'injected fault: client authentication failed' },
        { 'www-authenticate': 'Basic realm="pmprep-e2e-fault"' });
      return;
    case 'invalid-grant':
      sendJSON(res, 400, { error: 'invalid_grant', error_description: 'injected fault: grant is invalid, expired or revoked' });
      return;
    case '429': { // Retry-After in seconds: ?retry_after=N (default 30)
      const q = Number(url.searchParams.get('retry_after'));
      sendJSON(res, 429, { error: 'slow_down', error_description: 'injected fault: too many requests' },
        { 'retry-after': String(Number.isInteger(q) && q >= 0 ? q : 30) });
      return;
    }
    case '503-date': { // Retry-After as an HTTP date, ?retry_after=N seconds from now (default 30)
      const q = Number(url.searchParams.get('retry_after'));
      const at = new Date(Date.now() + (Number.isInteger(q) && q >= 0 ? q : 30) * 1000);
      sendJSON(res, 503, { error: 'temporarily_unavailable', error_description: 'injected fault: unavailable' },
        { 'retry-after': at.toUTCString() });
      return;
    }
    case 'html': {
      const html = '<!doctype html><html><body><h1>Sign in</h1><p>injected fault: not JSON</p></body></html>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    case 'no-access-token':
      sendJSON(res, 200, { token_type: 'Bearer', expires_in: lifetime, note: 'injected fault: no access_token' });
      return;
    case 'slow': {
      const qms = Number(url.searchParams.get('ms'));
      const ms = Number.isInteger(qms) && qms >= 0 ? Math.min(qms, 60000) : 3000;
      const timer = setTimeout(() => {
        if (res.destroyed) return;
        const { token, scope } = issueFault(d, { lifetime });
        sendJSON(res, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope });
      }, ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'close':
      req.socket.destroy(); // connection reset, no response
      return;
    default:
      sendJSON(res, 404, { error: 'not_found' });
  }
});
const FAULT = await listen(faultHTTP, portFor(3));

// ---------------------------------------------------------------------------------------------
// api — protected resource. Accepts tokens from all three token servers.

async function checkToken(token) {
  const now = Date.now();
  const f = faultTokens.get(token);
  if (f) {
    if (f.expiresAt !== null && f.expiresAt <= now) return { reason: 'expired', server: 'fault' };
    return { server: 'fault', client: f.client, scope: f.scope };
  }
  const o = o2.access.get(token);
  if (o) {
    if (new Date(o.accessTokenExpiresAt).getTime() <= now) return { reason: 'expired', server: 'oauth2' };
    const scope = Array.isArray(o.scope) ? o.scope.join(' ') : o.scope;
    return { server: 'oauth2', client: o.client.id, user: o.user?.username, scope };
  }
  if (/^[A-Za-z0-9_-]{20,128}$/.test(token)) {
    const cc = await provider.ClientCredentials.find(token, { ignoreExpiration: true });
    if (cc) {
      if (cc.isExpired) return { reason: 'expired', server: 'oidc' };
      return { server: 'oidc', client: cc.clientId, scope: cc.scope, aud: cc.aud };
    }
  }
  if (revokedTokens.has(token)) return { reason: 'revoked' };
  return { reason: 'invalid' };
}

const apiHTTP = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  // Drain any body; the API does not care about it.
  try { await readBody(req, 1024 * 1024); } catch { res.destroy(); return; }
  stats.api.requests++;
  const authz = req.headers.authorization || '';
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authz);
  let result;
  if (!authz) result = { reason: 'missing' };
  else if (!m) result = { reason: 'malformed' };
  else result = await checkToken(m[1]);
  if (result.reason) {
    stats.api.unauthorized++;
    inc(stats.api.by_reason, result.reason);
    const challenge = result.reason === 'missing'
      ? 'Bearer realm="pmprep-e2e"'
      : `Bearer realm="pmprep-e2e", error="invalid_token", error_description="token ${result.reason}"`;
    log(`api ${req.method} ${url.pathname} -> 401 (${result.reason})`);
    sendJSON(res, 401, { ok: false, error: 'invalid_token', reason: result.reason, path: url.pathname },
      { 'www-authenticate': challenge });
    return;
  }
  stats.api.ok++;
  inc(stats.api.by_server, result.server);
  inc(stats.api.by_client, result.client || '(none)');
  log(`api ${req.method} ${url.pathname} -> 200 (${result.server} ${result.client})`);
  sendJSON(res, 200, {
    ok: true,
    server: result.server,
    client: result.client,
    ...(result.user ? { user: result.user } : {}),
    ...(result.scope ? { scope: result.scope } : {}),
    ...(result.aud ? { aud: result.aud } : {}),
    method: req.method,
    path: url.pathname,
    query: url.search,
  });
});
const API = await listen(apiHTTP, portFor(2));

// ---------------------------------------------------------------------------------------------
// record — a recording endpoint for before/after comparisons (e2e/beforeafter*_test.go).
//
// Accepts any method and path, answers 200 `{}` and records the request exactly as received: raw
// header names and values in order, the body (base64), and whether an `Authorization: Bearer X`
// carries a token currently valid at one of the token servers (the API's checkToken). Two
// listeners share the handler: `record` (plain HTTP, also absolute-form requests from a forward
// proxy) and `record_tls`, where a test's TLS-terminating proxy pipes decrypted https traffic, so
// the recorded scheme is known. Token requests to oidc, oauth2 and fault are recorded too (server,
// method, path, status; never a header or body: they carry secrets), numbered from the same
// counter at arrival, so a test can tell which token requests came before which recorded request.
// Admin: GET /records, POST /admin/reset-records. Answers carry `x-record-seq: N`.

const RECORD_BODY_LIMIT = 8 * 1024 * 1024;
const RECORD_MAX = 100_000; // bounded memory: older records are dropped beyond this
const rec = { seq: 0, records: [], dropped: 0 };

function pushRecord(r) {
  rec.records.push(r);
  if (rec.records.length > RECORD_MAX) { rec.records.shift(); rec.dropped++; }
}

for (const [name, srv] of [['oidc', oidcHTTP], ['oauth2', oauth2HTTP], ['fault', faultHTTP]]) {
  srv.prependListener('request', (req, res) => {
    const r = { seq: ++rec.seq, kind: 'token', server: name, method: req.method, path: req.url.split('?')[0], status: null };
    pushRecord(r);
    res.on('close', () => { r.status = res.headersSent ? res.statusCode : 0; });
  });
}

function recordHandler(scheme) {
  return async (req, res) => {
    const seq = ++rec.seq;
    let body;
    try {
      body = await new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
          size += c.length;
          if (size > RECORD_BODY_LIMIT) { reject(new Error('body too large')); req.destroy(); return; }
          chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
      });
    } catch { res.destroy(); return; }
    // A forward proxy sends the absolute form (`GET http://host/p HTTP/1.1`); keep the target
    // as sent and also split it so origin-form and absolute-form records compare alike.
    let target = req.url;
    let host = req.headers.host || '';
    let urlScheme = scheme;
    const abs = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(target);
    if (abs) { urlScheme = abs[1].toLowerCase(); host = abs[2]; target = abs[3] || '/'; }
    const r = {
      seq,
      kind: 'request',
      scheme: urlScheme,
      host,
      method: req.method,
      url: target, // path + query, as sent
      request_target: req.url,
      http_version: req.httpVersion,
      raw_headers: req.rawHeaders, // [name, value, name, value, ...], raw case, in order
      body_base64: body.toString('base64'),
      body_length: body.length,
      bearer: null,
    };
    const authz = req.headers.authorization;
    const m = typeof authz === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(authz) : null;
    if (m) {
      const c = await checkToken(m[1]);
      r.bearer = c.reason ? { valid: false, reason: c.reason, ...(c.server ? { server: c.server } : {}) }
        : { valid: true, server: c.server, client: c.client || '' };
    }
    pushRecord(r);
    log(`record ${req.method} ${urlScheme}://${host}${target.split('?')[0]} seq=${seq}`);
    sendJSON(res, 200, {}, { 'x-record-seq': String(seq) });
  };
}

const recordHTTP = http.createServer(recordHandler('http'));
const RECORD = await listen(recordHTTP, portFor(5));
const recordTLSHTTP = http.createServer(recordHandler('https'));
const RECORD_TLS = await listen(recordTLSHTTP, portFor(6));

// Admin routes of the recorder; true when handled.
function recordAdmin(req, res, p) {
  if (req.method === 'GET' && p === '/records') {
    sendJSON(res, 200, { record: RECORD, record_tls: RECORD_TLS, next_seq: rec.seq + 1, dropped: rec.dropped, records: rec.records });
    return true;
  }
  if (req.method === 'POST' && p === '/admin/reset-records') {
    rec.records = [];
    rec.dropped = 0;
    sendJSON(res, 200, { ok: true, next_seq: rec.seq + 1 });
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// admin

async function revokeAll() {
  let n = 0;
  for (const jti of oidcIssued) {
    const t = await provider.ClientCredentials.find(jti, { ignoreExpiration: true });
    if (t) { await t.destroy(); n++; }
    revokedTokens.add(jti);
  }
  oidcIssued.clear();
  for (const tok of o2.access.keys()) { revokedTokens.add(tok); n++; }
  o2.access.clear();
  for (const tok of faultTokens.keys()) { revokedTokens.add(tok); n++; }
  faultTokens.clear();
  stats.revoked += n;
  return n;
}

const adminHTTP = http.createServer(async (req, res) => {
  const p = new URL(req.url, 'http://127.0.0.1').pathname;
  try { await readBody(req); } catch { res.destroy(); return; }
  if (req.method === 'GET' && p === '/stats') { sendJSON(res, 200, stats); return; }
  if (req.method === 'GET' && p === '/health') { sendJSON(res, 200, { ok: true }); return; }
  if (recordAdmin(req, res, p)) return;
  if (req.method === 'POST' && p === '/admin/reset-stats') { resetStats(); sendJSON(res, 200, { ok: true }); return; }
  if (req.method === 'POST' && p === '/admin/revoke-all') {
    const revoked = await revokeAll();
    log(`admin revoke-all: ${revoked} access tokens`);
    sendJSON(res, 200, { ok: true, revoked });
    return;
  }
  sendJSON(res, 404, { error: 'not_found', endpoints: ['GET /stats', 'GET /health', 'POST /admin/reset-stats', 'POST /admin/revoke-all', 'GET /records', 'POST /admin/reset-records'] });
});
const ADMIN = await listen(adminHTTP, portFor(4));

// ---------------------------------------------------------------------------------------------
// Ready, and lifetime management.

const ready = {
  oidc: OIDC,
  oidc_token: `${OIDC}/token`,
  oauth2: OAUTH2,
  oauth2_token: `${OAUTH2}/token`,
  api: API,
  fault: FAULT,
  fault_token: `${FAULT}/token/ok`,
  admin: ADMIN,
  stats: `${ADMIN}/stats`,
  record: RECORD,
  record_tls: RECORD_TLS,
  ...(TLS ? { oidc_tls: TLS.url, oidc_tls_token: `${TLS.url}/token` } : {}),
  records: `${ADMIN}/records`,
  audience: C.audience,
  lifetime: LIFETIME,
  refresh_lifetime: OPTS.refreshLifetime,
  pid: process.pid,
};

let stopping = false;
function shutdown(code, why) {
  if (stopping) return;
  stopping = true;
  log(`stopping: ${why}`);
  for (const s of [oidcHTTP, oauth2HTTP, faultHTTP, apiHTTP, recordHTTP, recordTLSHTTP, adminHTTP, ...(TLS ? [TLS.srv] : [])]) {
    s.close();
    s.closeAllConnections?.();
  }
  setTimeout(() => process.exit(code), 200).unref();
}
process.on('SIGTERM', () => shutdown(0, 'SIGTERM'));
process.on('SIGINT', () => shutdown(0, 'SIGINT'));
process.on('SIGHUP', () => shutdown(0, 'SIGHUP'));

if (OPTS.stdinExit) {
  // Only a pipe or socket means "a parent is watching"; /dev/null or a TTY does not.
  let st;
  try { st = fs.fstatSync(0); } catch { st = null; }
  if (st && (st.isFIFO() || st.isSocket())) {
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => shutdown(0, 'stdin closed'));
    process.stdin.on('error', () => shutdown(0, 'stdin error'));
    process.stdin.resume();
  }
}
if (OPTS.maxRuntime > 0) {
  setTimeout(() => shutdown(0, `max runtime ${OPTS.maxRuntime}s reached`), OPTS.maxRuntime * 1000).unref();
}

process.stdout.write(`${JSON.stringify(ready)}\n`);
