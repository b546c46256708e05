#!/usr/bin/env bash
# LibreOffice Calc, headless, for the spreadsheet round-trip test (tests/spreadsheet.rs): Debian's
# `libreoffice-calc-nogui` package, installed once through apt when no soffice is found. Prints
# soffice's path (scripts/test.sh exports it as ENTLINE_SOFFICE).
set -euo pipefail
for c in "${ENTLINE_SOFFICE:-}" /usr/bin/soffice "$(command -v soffice || true)" "$(command -v libreoffice || true)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; exit 0; fi
done
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "[setup_libreoffice] installing Debian's libreoffice-calc-nogui (apt)" >&2
install() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-calc-nogui >&2
}
install || { $SUDO apt-get update -q >&2; install; }
command -v soffice
