#!/usr/bin/env bash
# Runs the whole test suite against one moto server started here, as a harness that shares
# one server and watches it would: moto 5.2.1 with its recorder on, on a free loopback
# port, named by MOTO_SERVER_URL; then prints how many requests reached it, by service and
# by client, from moto's recording (/moto-api/recorder/download-recording): the evidence
# that the tests' requests went to that server and to no moto of their own.
#
#   scripts/moto-shared.sh                             # go test -p 1 -count=1 -timeout 60m ./...
#   scripts/moto-shared.sh -run Moto ./internal/...    # go test -p 1 -run Moto ./internal/...
#
# Always -p 1: the tests empty the shared server when they take it (internal/testsupport/mototest,
# Start), so two test binaries at once would empty each other's accounts. Exit status: go
# test's.
# Needs python3 with moto 5.2.1, the AWS CLI and curl; sends nothing beyond 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

version=5.2.1
got=$(python3 -c 'import moto.server, moto; print(moto.__version__)' 2>/dev/null) || {
  echo "moto is not installed for python3: pip install 'moto[server]==$version'" >&2; exit 2; }
if [ "$got" != "$version" ]; then
  echo "moto $got is installed; the tests are written against $version: pip install 'moto[server]==$version'" >&2; exit 2
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

# moto gets none of this machine's AWS settings or proxies, and no MOTO_ACCOUNT_ID: the
# key that signs a request says its account, so one server serves every test's account.
clean=()
for name in $(compgen -e); do
  case "$name" in AWS_*|*_PROXY|*_proxy|MOTO_*) clean+=(-u "$name") ;; esac
done
env "${clean[@]}" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
  MOTO_ENABLE_RECORDING=True MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_RECORDER_FILEPATH="$work/recording.jsonl" \
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
cleanup() {
  kill "$moto" 2>/dev/null || true
  wait "$moto" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 100); do
  curl -sf --noproxy '*' "$url/moto-api/config" >/dev/null && break
  kill -0 "$moto" 2>/dev/null || { echo "moto stopped before it answered:" >&2; cat "$work/moto.log" >&2; exit 2; }
  sleep 0.2
done
echo "== moto $version on $url, recording"

args=(-p 1 "$@")
if [ $# -eq 0 ]; then
  args=(-p 1 -count=1 -timeout 60m ./...)
fi
status=0
start=$(date +%s)
MOTO_SERVER_URL="$url" go test "${args[@]}" || status=$?
echo "== go test ${args[*]}: exit $status, $(( $(date +%s) - start )) s"

curl -sf --noproxy '*' "$url/moto-api/recorder/download-recording" >"$work/download.jsonl"
echo "== requests that reached $url"
python3 - "$work/download.jsonl" <<'EOF'
import collections, json, re, sys

services, clients, total = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    total += 1
    headers = {k.lower(): v for k, v in r.get("headers", {}).items()}
    # SigV4: Credential=<key>/<date>/<region>/<service>/aws4_request
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request", headers.get("authorization", ""))
    if m:
        services[m.group(1)] += 1
    elif "/moto-api/" in r.get("url", ""):
        services["moto-api (ready, reset)"] += 1  # mototest's and this script's own calls
    else:
        services["(unsigned)"] += 1
    agent = headers.get("user-agent", "")
    client = ("AWS CLI" if agent.startswith("aws-cli/") else
              "AWS SDK for Go v2" if "aws-sdk-go-v2" in agent else agent.split(" ")[0] or "(none)")
    clients[client] += 1
print(f"{total} requests")
for name, counter in (("by service", services), ("by client", clients)):
    print(f"  {name}:")
    for key, n in counter.most_common():
        print(f"    {key:24} {n}")
EOF
exit "$status"
