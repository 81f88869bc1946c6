#!/usr/bin/env bash
# Print requirements/<set>.txt as exported from uv.lock: exact versions with their hashes.
# runtime: what the service needs (and the locked setuptools that builds udkast itself);
# dev: runtime plus the test, lint and lock tools.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:?usage: scripts/export-lock.sh runtime|dev}" in
  runtime) extra=() ;;
  dev) extra=(--extra dev) ;;
  *) echo "unknown set: $1" >&2; exit 2 ;;
esac
exec .venv/bin/uv export --frozen --quiet --no-emit-project --group build "${extra[@]}" \
  --format requirements-txt
