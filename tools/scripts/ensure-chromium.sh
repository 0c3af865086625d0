#!/usr/bin/env bash
# Installs Chromium (for PDF rendering), DejaVu fonts (cover æøå) and poppler-utils
# (pdftotext/pdfinfo in tests, pdfsig for proof verification), and the standard tools a
# proof bundle's README uses (openssl, xxd) from Debian.
# Idempotent: silent and fast when everything is present. Needs root (or sudo) to install.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
FONT_DIR=/usr/share/fonts/truetype/dejavu

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -d "$FONT_DIR" ] || missing+=(fonts-dejavu-core)
command -v pdftotext > /dev/null 2>&1 || missing+=(poppler-utils)
command -v pdfsig > /dev/null 2>&1 || missing+=(poppler-utils)
command -v openssl > /dev/null 2>&1 || missing+=(openssl)
command -v xxd > /dev/null 2>&1 || missing+=(xxd)

[ "${#missing[@]}" -eq 0 ] && exit 0

fail() {
  echo "ensure-chromium: $*" >&2
  exit 1
}

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null 2>&1 || fail "need root to install ${missing[*]}; run as root or install them with apt-get"
  SUDO=(sudo)
fi
command -v apt-get > /dev/null 2>&1 || fail "apt-get not found; install Chromium, fonts-dejavu-core and poppler-utils yourself and set CHROMIUM_PATH"

# Always install the full set: apt skips what is present, and it keeps the list in one place.
packages=(chromium fonts-dejavu-core poppler-utils openssl xxd)
echo "ensure-chromium: installing ${packages[*]} ..." >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq > "$log" 2>&1 || { cat "$log" >&2; fail "apt-get update failed"; }
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" > "$log" 2>&1 ||
  { tail -n 30 "$log" >&2; fail "apt-get install ${packages[*]} failed"; }

[ -x "$CHROMIUM" ] || fail "chromium installed but $CHROMIUM is not executable (set CHROMIUM_PATH)"
command -v pdftotext > /dev/null 2>&1 || fail "poppler-utils installed but pdftotext not found"
echo "ensure-chromium: ok ($("$CHROMIUM" --version 2>/dev/null || echo chromium))" >&2
