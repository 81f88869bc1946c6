#!/usr/bin/env bash
# Create .venv and install exact, hashed versions from the committed lock, then udkast itself.
# Usage: scripts/install-venv.sh runtime|dev   (dev = runtime + the test and lint tools)
# The lock is requirements/<set>.txt, exported from uv.lock by `make lock`; pip checks every
# hash and refuses a package that is not in the lock, so nothing unpinned is ever installed.
set -euo pipefail
cd "$(dirname "$0")/.."
set_name="${1:?usage: scripts/install-venv.sh runtime|dev}"
lock="requirements/$set_name.txt"
python="${PYTHON:-python3}"
venv=.venv

command -v "$python" >/dev/null || { echo "udkast needs Python 3.11 or newer: '$python' was not found" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "udkast needs Python 3.11 or newer; found: $("$python" --version 2>&1)" >&2; exit 1; }
[ -f "$lock" ] || { echo "The lock $lock is missing from this checkout" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" 2>/dev/null || {
    echo "Cannot create a virtualenv with $python: install python3-venv (Debian: apt-get install python3-venv)" >&2
    exit 1; }
fi

# This machine's pip configuration may name local package folders that do not exist; pip
# warns once per package about them. Those lines say nothing about udkast, so they are dropped.
quiet() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

echo "Installing the locked $set_name packages into $venv (exact versions, hashes checked)" >&2
if ! quiet "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$lock"; then
  echo "Could not install the packages locked in $lock (the lines above say which)." >&2
  echo "They come from PyPI: check the network or the pip index settings (pip config list)." >&2
  exit 1
fi
# The project itself: editable, its dependencies already in place, built by the locked setuptools.
quiet "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
