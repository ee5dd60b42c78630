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

# RUNNER=newman (default) or RUNNER=postman-cli: the same collection under either runner.
runner=${RUNNER:-newman}
# The demo secret is the test server's fake one; in CI it comes from your secret store.
secret=$(node -e 'console.log(require("./testdata/e2e/credentials.json").basic_client_secret)')
run_args=("$out/api.postman_collection.json"
  -e "$out/env/local.postman_environment.json"
  --env-var "client_secret=$secret" --env-var "token_url=$token_url" --env-var "base_url=$api"
  -n 4 --delay-request 800)
case "$runner" in
newman)
  say "newman run: 4 iterations, 12 requests over about 10 s — the token is fetched once and renewed as it expires"
  testdata/e2e/node_modules/.bin/newman run "${run_args[@]}" --color off
  ;;
postman-cli)
  say "postman collection run (Postman CLI): 4 iterations, 12 requests over about 10 s — the token is fetched once and renewed as it expires"
  # Offline, no login (its login notices are not errors); its ~/.postman goes to a temporary HOME.
  pmhome=$(mktemp -d)
  trap 'rm -rf "$pmhome"' EXIT
  pmcli=$PWD/testdata/e2e/node_modules/@postman/pm-bin-linux-x64/bin/postman
  [ -x "$pmcli" ] || { echo "the Postman CLI is not installed: run make e2e-deps (linux x64 only)"; exit 1; }
  HOME=$pmhome POSTMAN_CLI_SKIP_UPDATE_CHECK=1 "$pmcli" collection run "${run_args[@]}" \
    --no-report-events --disable-unicode
  ;;
*) echo "RUNNER must be newman or postman-cli, not $runner"; exit 2 ;;
esac

say "What the servers saw"
node -e '
const s = JSON.parse(process.argv[1]);
console.log(`token requests: ${s.token.all.requests} (Basic client auth: ${s.token.all.by_auth.basic || 0})`);
console.log(`API requests:   ${s.api.requests} (rejected: ${s.api.unauthorized})`);
' "$(curl -s "$admin/stats" 2>/dev/null || node -e 'fetch(process.argv[1]).then(r=>r.text()).then(console.log)' "$admin/stats")"
