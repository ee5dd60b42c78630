// fakepm.js runs generated pmprep scripts against a fake `pm` object, for
// fast behaviour tests (behaviour_test.go). The real sandbox is exercised by
// the newman end-to-end tests; this fake copies only what the scripts use,
// with the semantics measured in newman 6.2 (docs/newman-sandbox.md):
// callback sendRequest that resolves nothing, variable precedence local >
// iteration data > environment > collection > globals, replaceIn leaving
// unknown {{vars}} alone,
// pm.request.auth undefined for inherited auth in a pre-request script and
// resolved in a test script, pm.test recording a thrown error as a failure.
//
// Input (stdin, JSON):
//   {pre, test, env: {name?, values}, collection: {...}, globals: {...}, data: {...},
//    steps: [{t, envName, noEnv, auth, requestId, iteration, name, code, location: [...], request: {...},
//             responses: [...], setEnv: {...}, unsetEnv: {...}}]}
// request is what pm.request.toJSON() answers; location is pm.execution.location.
// A response is {code, json, headers?} | {code, text, type, headers?} | {err: "ECONNREFUSED"}.
// Output (stdout, JSON): {steps: [{sent, failed, passed, skipped, token, local, logs, next}], collection, env}
"use strict";
// list is a postman-collection PropertyList as scripts use it.
function list(items) {
  items = items || [];
  return {
    each: (fn) => items.forEach(fn),
    all: () => items.slice(),
    // upsert replaces the first element of the same key (case-insensitive,
    // as postman-collection's HeaderList does for headers), else appends.
    add: (el) => { items.push(Object.assign({}, el)); },
    remove: (pred) => {
      for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) items.splice(i, 1);
    },
    upsert: (el) => {
      const i = items.findIndex((x) => String(x.key).toLowerCase() === String(el.key).toLowerCase());
      if (i >= 0) items[i] = Object.assign({}, items[i], el); else items.push(Object.assign({}, el));
    },
  };
}

// fakeRequest is pm.request in a pre-request script, built from the JSON
// a step gives (what pm.request.toJSON() answers).
function fakeRequest(json) {
  const url = typeof json.url === "string" ? { raw: json.url } : (json.url || { raw: "" });
  const body = json.body ? Object.assign({}, json.body) : undefined;
  if (body && (body.mode === "urlencoded" || body.mode === "formdata")) body[body.mode] = list(body[body.mode]);
  return {
    auth: undefined,
    url: { toString: () => url.raw || "", variables: list(url.variable) },
    // (String(pm.request.url) calls toString, as on a postman-collection Url.)
    headers: list(typeof json.header === "string" ? [] : json.header),
    body: body,
    toJSON: () => JSON.parse(JSON.stringify(json)),
  };
}

const vm = require("vm");

let input = "";
process.stdin.on("data", (d) => (input += d)).on("end", () => {
  const sc = JSON.parse(input);
  process.stdout.write(JSON.stringify(run(sc)) + "\n");
});

function run(sc) {
  const env = sc.env ? Object.assign({}, sc.env.values) : {};
  let envName = sc.env ? sc.env.name : undefined;
  const collection = Object.assign({}, sc.collection);
  const globals = Object.assign({}, sc.globals);
  const data = Object.assign({}, sc.data);
  const local = {};
  const out = [];
  const pre = sc.pre ? new vm.Script(sc.pre, { filename: "prerequest.js" }) : null;
  const test = sc.test ? new vm.Script(sc.test, { filename: "test.js" }) : null;

  function get(name) {
    for (const scope of [local, data, env, collection, globals]) {
      if (Object.prototype.hasOwnProperty.call(scope, name)) return scope[name];
    }
    return undefined;
  }
  function replaceIn(s) {
    s = String(s);
    for (let depth = 0; depth < 20; depth++) {
      const next = s.replace(/\{\{([^{}]*)\}\}/g, (m, name) => {
        const v = get(name);
        return v === undefined ? m : String(v);
      });
      if (next === s) break;
      s = next;
    }
    return s;
  }

  for (const step of sc.steps) {
    if (step.envName !== undefined) envName = step.envName;
    if (step.noEnv) envName = undefined;
    Object.assign(env, step.setEnv || {});
    for (const k of Object.keys(step.unsetEnv || {})) delete env[k];
    const rec = { sent: [], failed: [], passed: [], skipped: false, logs: [], uncaught: [], next: null };
    const responses = (step.responses || []).slice();
    const queue = [];
    const info = { requestId: step.requestId || "req-1", requestName: step.name || "request", iteration: step.iteration || 0, eventName: "" };
    const pm = {
      info: info,
      environment: {
        name: envName,
        get: (k) => env[k],
        set: (k, v) => { env[k] = v; },
        unset: (k) => { delete env[k]; },
      },
      iterationData: { get: (k) => data[k] },
      globals: { get: (k) => globals[k], set: (k, v) => { globals[k] = v; } },
      collectionVariables: {
        get: (k) => collection[k],
        set: (k, v) => { collection[k] = v; },
        unset: (k) => { delete collection[k]; },
      },
      variables: {
        get: get,
        set: (k, v) => { local[k] = v; },
        unset: (k) => { delete local[k]; },
        replaceIn: replaceIn,
      },
      request: fakeRequest(step.request || { url: "https://api.example.com/x", method: "GET" }),
      response: undefined,
      execution: {
        location: step.location || ["collection", info.requestName],
        skipRequest: () => { rec.skipped = true; },
        setNextRequest: (id) => { rec.next = id; },
      },
      test: (name, fn) => {
        try { fn(); rec.passed.push(name); } catch (e) { rec.failed.push({ name: name, message: String(e && e.message) }); }
      },
      sendRequest: (req, cb) => {
        if (typeof req !== "object" || typeof req.url !== "string") throw new Error("fake: sendRequest wants an object with a url string");
        const header = {};
        for (const h of req.header || []) header[h.key] = h.value;
        const form = [];
        if (req.body) {
          if (req.body.mode !== "urlencoded") throw new Error("fake: body mode " + req.body.mode);
          for (const p of req.body.urlencoded) {
            if (typeof p.value !== "string" || typeof p.key !== "string") throw new Error("fake: form value not a string: " + p.key);
            form.push([p.key, p.value]);
          }
        }
        rec.sent.push({ url: req.url, method: req.method, header: header, form: form });
        const r = responses.shift();
        queue.push(() => {
          if (!r) throw new Error("fake: no response left for " + req.url);
          if (r.err) return cb({ code: r.err }, { code: undefined, text: () => "", json: () => { throw new Error("no body"); }, headers: { get: () => undefined } });
          const text = r.json !== undefined ? JSON.stringify(r.json) : r.text || "";
          const type = r.json !== undefined ? "application/json" : r.type;
          cb(null, {
            code: r.code, status: r.status || "",
            text: () => text, json: () => JSON.parse(text),
            headers: { get: (n) => {
              const want = String(n).toLowerCase();
              if (want === "content-type") return type;
              for (const k of Object.keys(r.headers || {})) if (k.toLowerCase() === want) return r.headers[k];
              return undefined;
            } },
          });
        });
        return pm;
      },
    };
    const console_ = { log: (...a) => rec.logs.push(a.map(String).join(" ")), warn: (...a) => rec.logs.push("WARN " + a.join(" ")), error: (...a) => rec.logs.push("ERROR " + a.join(" ")) };
    const fakeRequire = (name) => {
      if (name === "btoa") return (s) => Buffer.from(String(s), "latin1").toString("base64");
      if (name === "atob") return (s) => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64").toString("latin1") : "");
      throw new Error("fake: require(" + name + ") is not in the sandbox list the script may use");
    };
    // Only what the Postman sandbox offers: no Buffer, URL, process, ...
    const ctx = vm.createContext({ pm: pm, require: fakeRequire, console: console_, Date: { now: () => step.t || 0, parse: Date.parse } });
    const drain = () => {
      while (queue.length) {
        try { queue.shift()(); } catch (e) { rec.uncaught.push(String(e && e.stack)); }
      }
    };

    if (pre) {
      pm.request.auth = undefined;
      if (step.auth) {
        // The request's own auth as the sandbox shows it: its type and, when
        // step.request carries the block, its parameters.
        const block = step.request && step.request.auth && step.request.auth.type === step.auth ? step.request.auth : { type: step.auth };
        pm.request.auth = Object.assign({ toJSON: () => block }, { type: step.auth });
      }
      try { pre.runInContext(ctx); } catch (e) { rec.uncaught.push(String(e && e.stack)); }
      drain();
    }
    rec.headers = pm.request.headers.all();
    rec.responsesLeft = responses.length;
    rec.token = local[sc.tokenVar || "pmprep_access_token"];
    rec.local = Object.assign({}, local);
    if (test && !rec.skipped) {
      const token = get(sc.tokenVar || "pmprep_access_token");
      const type = step.auth || "bearer";
      const params = type === "bearer" ? [{ key: "token", value: token }] : [];
      pm.request.auth = { type: type, parameters: () => ({ each: (fn) => params.forEach(fn) }) };
      pm.response = { code: step.code || 200 };
      try { test.runInContext(ctx); } catch (e) { rec.uncaught.push(String(e && e.stack)); }
      drain();
    }
    out.push(rec);
  }
  return { steps: out, collection: collection, env: env, local: local };
}
