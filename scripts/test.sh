#!/usr/bin/env bash
# Set up (if needed), check formatting and clippy (warnings are errors), and run the whole test
# suite in the release profile, so the libtorch / rust-bert build is shared with the binary. Used
# by .ci/run. Installs headless Chromium (apt) for
# the report test and LibreOffice Calc (apt) for the spreadsheet test when they are missing.
set -euo pipefail
# Arguments go to `cargo test` (a test name, `-- --skip NAME`): fine by hand, but in CI (CI set, as
# CI services set it) the whole suite runs, so arguments are refused there, as the tests refuse
# their own skip switches (ENTLINE_SKIP_SPREADSHEET, a cut ENTLINE_PROPTEST_CASES) when CI is set.
case "${CI:-}" in
  ""|0|false|FALSE|False) ;;
  *) if [ "$#" -gt 0 ]; then
       echo "scripts/test.sh: CI is set, so the whole suite runs: no arguments (got: $*)" >&2
       exit 1
     fi ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/setup.sh --no-build
# headless Chromium renders the HTML report in tests/report.rs
ENTLINE_CHROMIUM="$(scripts/setup_chromium.sh)"
export ENTLINE_CHROMIUM
# headless LibreOffice Calc opens every CSV table in tests/spreadsheet.rs
ENTLINE_SOFFICE="$(scripts/setup_libreoffice.sh)"
export ENTLINE_SOFFICE
export LIBTORCH="$(sed -n 's/^LIBTORCH = "\(.*\)"$/\1/p' .cargo/config.toml)" LIBTORCH_CXX11_ABI=0
# the habits: formatted as rustfmt.toml says, no clippy warning (both fail the run)
cargo fmt --check
cargo clippy --all-targets --release -- -D warnings
cargo test --release "$@"
