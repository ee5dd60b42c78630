'use strict';
// The postman-collection SDK doing pmprep inject's edit, for `make bench`:
// the peer a Node user would reach for. It loads the whole collection into
// SDK objects, sets the collection auth, puts the token script first in the
// collection pre-request script, declares the variables, drops
// bearer/oauth2 blocks (but oauth2 for another token server) and stale
// "Authorization: Bearer" headers, and writes the collection back as
// Postman does (tab-indented JSON).
//
// The SDK comes from testdata/e2e (postman-collection, pinned in its
// package-lock.json). What to write comes from pmprep's own output on the
// same collection, so both do the same edit.
//
// Usage: node sdk_inject.cjs IN OUT PLAN.json
const fs = require('fs');
const path = require('path');
const sdk = require(path.join(__dirname, '..', 'e2e', 'node_modules', 'postman-collection'));

const [inFile, outFile, planFile] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')); // {auth, prerequest: [lines], variables: [{key, value}], tokenUrl}
const c = new sdk.Collection(JSON.parse(fs.readFileSync(inFile, 'utf8')));

c.auth = new sdk.RequestAuth(plan.auth, c);

let pre = null;
c.events.each((ev) => { if (!pre && ev.listen === 'prerequest') { pre = ev; } });
if (pre) {
  pre.script.exec = plan.prerequest.concat(pre.script.exec || []);
} else {
  c.events.add(new sdk.Event({ listen: 'prerequest', script: { type: 'text/javascript', exec: plan.prerequest } }));
}
for (const v of plan.variables) {
  if (!c.variables.has(v.key)) {
    c.variables.add(new sdk.Variable({ key: v.key, value: v.value, type: 'string' }));
  }
}

const ours = (auth) => {
  if (!auth || (auth.type !== 'bearer' && auth.type !== 'oauth2')) { return false; }
  if (auth.type === 'bearer') { return true; }
  const url = auth.parameters().get('accessTokenUrl');
  return !url || url === plan.tokenUrl;
};
c.forEachItemGroup((g) => { if (ours(g.auth)) { delete g.auth; } });
c.forEachItem((item) => {
  const r = item.request;
  if (ours(r.auth)) { r.authorizeUsing(null); }
  r.headers.remove((h) => !h.disabled && h.key.trim().toLowerCase() === 'authorization' && /^bearer /i.test(String(h.value).trim()));
});

fs.writeFileSync(outFile, JSON.stringify(c.toJSON(), null, '\t'));
