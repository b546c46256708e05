#!/usr/bin/env bash
# Headless Chromium for the HTML report tests (tests/report.rs): Debian's `chromium` package,
# installed once through apt when it is missing. Prints the browser's path.
set -euo pipefail
for c in "${ENTLINE_CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium || true)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; exit 0; fi
done
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "[setup_chromium] installing Debian's chromium (apt)" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 || {
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
}
command -v chromium
