#!/usr/bin/env bash
# Build the wheel, install it (with the locked runtime packages) into a clean venv outside
# the checkout, and use it from another folder: `udkast migrate` creates a database from the
# migrations shipped inside it, `udkast render` renders a reference draft with the theme
# shipped inside it. Proves the package data is complete, not only the editable install.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

.venv/bin/pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$work/dist" . >/dev/null
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r requirements/runtime.txt \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$work/venv/bin/pip" install -q --disable-pip-version-check --no-deps "$work"/dist/udkast-*.whl

mkdir "$work/elsewhere"
cd "$work/elsewhere"  # nothing of the checkout is on the path from here
export UDKAST_VAR_DIR="$work/elsewhere/var"
"$work/venv/bin/udkast" migrate >/dev/null
"$work/venv/bin/udkast" render "$root/../shared/examples/socialstrategi/udkast-2.yaml" -o out >/dev/null
# Every theme ships whole: the municipal one takes its templates from the default's.
"$work/venv/bin/udkast" render "$root/../shared/examples/socialstrategi/udkast-2.yaml" \
  -o out/kommune --theme kommune >/dev/null
for f in out/*.pdf out/*.docx out/kommune/*.pdf out/kommune/*.docx; do
  [ -s "$f" ] || { echo "wheel check: $f is missing or empty" >&2; exit 1; }
done
case "$("$work/venv/bin/python" -c 'import worker; print(worker.__file__)')" in
  "$work"/venv/*) ;;
  *) echo "wheel check: udkast was imported from the checkout, not the wheel" >&2; exit 1 ;;
esac
# Files read at run time ship inside: the example and template, every page template.
"$work/venv/bin/python" - <<'PY'
from importlib.resources import files
from core.samples import example_data, skeleton_data
assert example_data()["visions"] and skeleton_data()["visions"]
pages = files("service") / "templates"
missing = [p for p in ("base.html", "index.html") if not (pages / p).is_file()]
assert not missing, f"page templates missing from the wheel: {missing}"
PY
echo "wheel check: installed outside the checkout; migrate and render work ($(ls out | tr '\n' ' '))"
