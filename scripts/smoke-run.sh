#!/usr/bin/env bash
# Smoke test of what `make run` starts: the service on a free port with its embedded
# defaults (SQLite, folder queue) in a throwaway var dir; both reference drafts are
# submitted with `udkast submit --out` and their files checked; then everything stops.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
work=$(mktemp -d)
port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export UDKAST_VAR_DIR="$work/var"
unset DATABASE_URL REDIS_URL

$BIN/udkast serve --port "$port" > "$work/serve.log" 2>&1 &
serve=$!
# `udkast serve` stops its web and worker processes when it is told to stop.
stop() { kill -TERM "$serve" 2>/dev/null || true; wait "$serve" 2>/dev/null || true; rm -rf "$work"; }
trap stop EXIT

for _ in $(seq 1 60); do
  grep -q "API token:" "$work/serve.log" && curl -sf "http://127.0.0.1:$port/sign-in" >/dev/null && break
  sleep 0.5
done
token=$(awk '/API token:/ {print $3}' "$work/serve.log")
[ -n "$token" ] || { echo "smoke: the service did not start"; cat "$work/serve.log"; exit 1; }
fail() { echo "smoke: $1"; tail -40 "$work/serve.log"; exit 1; }

for draft in udkast-1 udkast-2; do
  $BIN/udkast submit "../shared/examples/socialstrategi/$draft.yaml" \
    --server "http://127.0.0.1:$port" --token "$token" --out "$work/out" --timeout 120 \
    || fail "udkast submit $draft failed"
done
for file in socialstrategi-udkast-1.pdf socialstrategi-udkast-1.docx socialstrategi-udkast-2.pdf \
            socialstrategi-udkast-2.docx socialstrategi-udkast-2-changes.pdf socialstrategi-udkast-2-changes.docx; do
  [ -s "$work/out/$file" ] || fail "$file is missing"
done
# Stop it as a person does, with Ctrl-C (which reaches `udkast serve` alone: web and worker
# run in process groups of their own): it must end cleanly and log no error on the way.
kill -INT "$serve"
status=0
wait "$serve" || status=$?
[ "$status" -eq 0 ] || fail "udkast serve ended with exit code $status after Ctrl-C"
if grep -nE '\b(ERROR|CRITICAL)\b|Traceback' "$work/serve.log"; then fail "errors in the log"; fi
echo "smoke: make run's service took both drafts, built all six files and stopped cleanly"
