# Sourced by the CI scripts: `url=$(wait_for_url LOG PID WHO)` waits up to 30 s
# for the gateway's start line in LOG (pino JSON with its "url") and prints the
# URL; it fails, showing LOG, if process PID exits first or no URL comes.
wait_for_url() {
  local log=$1 pid=$2 who=$3 url=""
  for _ in $(seq 1 300); do
    url=$(grep -o '"url":"http[^"]*"' "$log" | head -1 | cut -d'"' -f4 || true)
    if [ -n "$url" ]; then
      echo "$url"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  cat "$log" >&2
  echo "$who: FAILED: the gateway did not start" >&2
  return 1
}
