#!/usr/bin/env bash
# Fail, saying what to do, when uv.lock or requirements/*.txt no longer match pyproject.toml.
# Offline: it compares files and resolves nothing, so a new release on PyPI never fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=.venv/bin/uv
stale() {
  echo "The lock is stale: $1" >&2
  echo "Run 'make lock' and commit uv.lock and requirements/ together with pyproject.toml." >&2
  exit 1
}
"$uv" lock --check --offline --quiet 2>/dev/null || stale "uv.lock does not match pyproject.toml"
for set_name in runtime dev; do
  scripts/export-lock.sh "$set_name" | cmp -s - "requirements/$set_name.txt" \
    || stale "requirements/$set_name.txt is not what uv.lock exports"
done
