// Test harness for templates/jwtsign.js: runs it inside postman-sandbox (the very
// sandbox newman 6 runs scripts in: crypto-js and BigInt, no WebCrypto) for each
// request read from stdin, one JSON object per line:
//   {"expr": "pmprepJwtSign(require('crypto-js'), A[0], A[1], A[2], A[3])", "args": [...], "n": 1}
// and answers one JSON line: {"out": value, "ms": per-call milliseconds} or {"error": message}.
// argv[2]: path of jwtsign.js; argv[3]: path of the postman-sandbox package.
'use strict';
const fs = require('fs');
const readline = require('readline');
const Sandbox = require(process.argv[3]);
const lib = fs.readFileSync(process.argv[2], 'utf8');

Sandbox.createContext({}, (err, ctx) => {
  if (err) throw err;
  let answer = null;
  ctx.on('console', (cursor, level, line) => { answer = line; });
  const queue = [];
  let busy = false;
  const next = () => {
    if (busy || !queue.length) return;
    busy = true;
    const req = JSON.parse(queue.shift());
    const code = lib + '\nvar A = ' + JSON.stringify(req.args || []) + ', N = ' + (req.n || 1) + ';\n' +
      'try { var t0 = Date.now(), out, i; for (i = 0; i < N; i++) out = (' + req.expr + ');\n' +
      'console.log(JSON.stringify({ out: out, ms: (Date.now() - t0) / N })); }\n' +
      'catch (e) { console.log(JSON.stringify({ error: String(e && e.message), name: e && e.name })); }\n';
    answer = null;
    ctx.execute(code, {}, (err) => {
      process.stdout.write((err ? JSON.stringify({ error: 'sandbox: ' + err.message }) : answer || '{"error":"no answer"}') + '\n');
      busy = false;
      next();
    });
  };
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (l) => { queue.push(l); next(); });
  rl.on('close', () => { const wait = () => (busy || queue.length ? setTimeout(wait, 10) : ctx.dispose()); wait(); });
});
