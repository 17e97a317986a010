#!/usr/bin/env bash
# The README's one-command start: `npm start` on the embedded sandbox answers
# /readyz and an operation with data, and stops on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
PORT=0 SANDBOX_PORT=0 setsid npm start >"$log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o '"url":"http[^"]*"' "$log" | head -1 | cut -d'"' -f4 || true)
  if [ -n "$url" ]; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "npm-start: FAILED: npm start exited" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$url" ]; then cat "$log" >&2; echo "npm-start: FAILED: no URL logged" >&2; exit 1; fi
ready=$(node -e "fetch(new URL('/readyz', process.argv[1])).then((r) => console.log(r.status))" "$url")
answer=$(node -e "fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ agents(first: 1) { nodes { name } } }' }) }).then((r) => r.text()).then(console.log)" "$url")
kill -TERM -- "-$pid"
wait "$pid" || true
if [ "$ready" != "200" ]; then echo "npm-start: FAILED: /readyz answered $ready" >&2; exit 1; fi
case "$answer" in
  *'"name":"'*) echo "npm-start: passed (/readyz 200, an operation answered with data)" ;;
  *) echo "npm-start: FAILED: the operation answered $answer" >&2; exit 1 ;;
esac
