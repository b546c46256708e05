#!/usr/bin/env bash
# LibreOffice Calc and Writer, headless: Calc for the spreadsheet round trips (tests/spreadsheet.rs,
# tests/formats.rs), Writer for the PDF, Word and OpenDocument files tests/formats.rs makes from
# HTML. Debian's `libreoffice-calc-nogui` and `libreoffice-writer-nogui` packages, installed once
# through apt when soffice or either module is missing. Prints soffice's path (scripts/test.sh
# exports it as ENTLINE_SOFFICE).
set -euo pipefail
# a module is there when its core library is beside soffice (libsclo: Calc, libswlo: Writer)
complete() {
  local dir
  dir=$(dirname "$(readlink -f "$1")")
  [ -e "$dir/libsclo.so" ] && [ -e "$dir/libswlo.so" ]
}
for c in "${ENTLINE_SOFFICE:-}" /usr/bin/soffice "$(command -v soffice || true)" "$(command -v libreoffice || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && complete "$c"; then echo "$c"; exit 0; fi
done
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "[setup_libreoffice] installing Debian's libreoffice-calc-nogui and libreoffice-writer-nogui (apt)" >&2
install() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui >&2
}
install || { $SUDO apt-get update -q >&2; install; }
command -v soffice
