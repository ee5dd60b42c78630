#!/usr/bin/env bash
# make demo: pmprep's main job end to end, on this example, against a local
# authorization server (oidc-provider) and a protected API, both on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"
say() { printf '\n== %s\n' "$*"; }

say "Starting the local authorization server and API (tokens live 4 s)"
ready="$out/servers.ready"
: > "$ready"
# stdin from a pipe we hold open: the servers exit when this script ends, however it ends.
exec {keep}> >(node testdata/e2e/servers.mjs --lifetime 4 > "$ready" 2> "$out/servers.log")
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.2; done
[ -s "$ready" ] || { echo "servers did not start; see $out/servers.log"; exit 1; }
field() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").split("\n")[0]); console.log(r[process.argv[2]])' "$ready" "$1"; }
token_url=$(field oidc_token)
api=$(field api)
admin=$(field admin)
echo "token endpoint $token_url, API $api"

say "pmprep inject: add the token script to examples/api.postman_collection.json"
bin/pmprep inject --config examples/pmprep.yaml -o "$out/api.postman_collection.json"

say "pmprep envs: write the environment files"
bin/pmprep envs --config examples/pmprep.yaml -d "$out/env"

say "newman run: 4 iterations, 12 requests over about 10 s — the token is fetched once and renewed as it expires"
# The demo secret is the test server's fake one; in CI it comes from your secret store.
secret=$(node -e 'console.log(require("./testdata/e2e/credentials.json").basic_client_secret)')
testdata/e2e/node_modules/.bin/newman run "$out/api.postman_collection.json" \
  -e "$out/env/local.postman_environment.json" \
  --env-var "client_secret=$secret" --env-var "token_url=$token_url" --env-var "base_url=$api" \
  -n 4 --delay-request 800 --color off

say "What the servers saw"
node -e '
const s = JSON.parse(process.argv[1]);
console.log(`token requests: ${s.token.all.requests} (Basic client auth: ${s.token.all.by_auth.basic || 0})`);
console.log(`API requests:   ${s.api.requests} (rejected: ${s.api.unauthorized})`);
' "$(curl -s "$admin/stats" 2>/dev/null || node -e 'fetch(process.argv[1]).then(r=>r.text()).then(console.log)' "$admin/stats")"
