#!/usr/bin/env bash
# The README's one-command start: `npm start` on the embedded sandbox answers
# /readyz and an operation with data, and stops on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/wait-for-url.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
PORT=0 SANDBOX_PORT=0 setsid npm start >"$log" 2>&1 &
pid=$!
url=$(wait_for_url "$log" "$pid" npm-start)
ready=$(node -e "fetch(new URL('/readyz', process.argv[1])).then((r) => console.log(r.status))" "$url")
answer=$(node -e "fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ agents(first: 1) { nodes { name } } }' }) }).then((r) => r.text()).then(console.log)" "$url")
kill -TERM -- "-$pid"
wait "$pid" || true
if [ "$ready" != "200" ]; then echo "npm-start: FAILED: /readyz answered $ready" >&2; exit 1; fi
case "$answer" in
  *'"name":"'*) echo "npm-start: passed (/readyz 200, an operation answered with data)" ;;
  *) echo "npm-start: FAILED: the operation answered $answer" >&2; exit 1 ;;
esac
