#!/usr/bin/env bash
# Check the system packages udkast needs and install the missing ones with apt when we can.
# Usage: scripts/ensure-system.sh [runtime|test|preview|bench]  (each includes runtime)
set -euo pipefail
level="${1:-runtime}"

need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)  # WeasyPrint; the last one halves font subsetting time
case "$level" in
  # Tests read PDFs back (poppler), check tracked changes in LibreOffice, drive a browser.
  test) need+=(poppler-utils libreoffice-writer-nogui chromium) ;;
  preview) need+=(poppler-utils libreoffice-writer-nogui) ;;
  # make bench compares with a warm LibreOffice: unoserver's server needs python3-uno.
  bench) need+=(libreoffice-writer-nogui python3-uno) ;;
esac

missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  exit 0
fi
echo "Missing system packages: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
