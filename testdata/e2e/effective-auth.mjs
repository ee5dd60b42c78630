#!/usr/bin/env node
// effective-auth.mjs FILE — the oracle for a request's effective auth.
//
// Prints one JSON line per request (not folder), in document order:
//   {"path":"item[0].item[2]","names":["Folder","Request"],"type":"bearer","params":{"token":"{{t}}"}}
// computed by postman-collection 5.3.1: `new Collection(json)` and `Item#getAuth()` (null ->
// {"type":null}). `path` follows pmprep's JSON path convention (indexes in the item arrays from
// the root); `names` are the names of the folders and the request. `params` maps each parameter
// key of the effective auth type to its value as written (variables unresolved); `authorization`
// lists the request's own enabled Authorization header values as written.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Collection, ItemGroup } = require('postman-collection');

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: node effective-auth.mjs COLLECTION.json\n');
  process.exit(2);
}
let text = fs.readFileSync(file, 'utf8');
if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
const coll = new Collection(JSON.parse(text));

const out = [];
function walk(list, prefix, names) {
  let i = 0;
  list.each((it) => {
    const path = `${prefix}item[${i}]`;
    const nm = [...names, it.name];
    if (ItemGroup.isItemGroup(it)) {
      walk(it.items, `${path}.`, nm);
    } else {
      const auth = it.getAuth();
      const line = { path, names: nm, type: auth ? auth.type : null };
      // The request's own enabled Authorization header templates (variables
      // unresolved), for the judge: a header that sends a managed variable
      // is a managed request.
      const authz = [];
      if (it.request && it.request.headers) {
        it.request.headers.each((h) => {
          if (!h.disabled && String(h.key).toLowerCase() === 'authorization') authz.push(String(h.value));
        });
      }
      if (authz.length) line.authorization = authz;
      if (auth) {
        const params = {};
        const ps = auth.parameters();
        if (ps) ps.each((p) => { params[p.key] = p.value; });
        line.params = params;
      }
      out.push(JSON.stringify(line));
    }
    i++;
  });
}
walk(coll.items, '', []);
process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
