#!/usr/bin/env bash
# entline set-up: obtains libtorch 2.4.0 (the only version tch 0.17 / rust-bert 0.23 build against)
# from PyPI wheels, points cargo at it, and builds the release binary.
#
# Idempotent: every step is skipped when its result is already there, so a second run takes seconds.
#
#   scripts/setup.sh            # libtorch + .cargo/config.toml + cargo build --release
#   scripts/setup.sh --no-build # libtorch + .cargo/config.toml only
#
# Cache: $ENTLINE_CACHE (default ~/.cache/entline) holds the wheels and the unpacked libtorch, shared
# by every clone on the machine (keeping LIBTORCH the same string everywhere avoids torch-sys rebuilds).
#
# Why wheels: the libtorch download host is unreachable here; PyPI is not. The `torch==2.4.0` wheel is
# a CUDA build. Its libtorch_cpu.so needs libc10, the bundled libgomp and, at load time, libcudart.so.12
# and libcupti.so.12 (from the nvidia-cuda-runtime/cupti 12.1.105 wheels). Its libtorch.so pulls in the
# 900 MB libtorch_cuda.so, so we replace it by an empty stub: every symbol tch needs is in libtorch_cpu.
# Result: ~530 MB on disk instead of ~5 GB for `pip install torch`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${ENTLINE_CACHE:-$HOME/.cache/entline}
TORCH_VERSION=2.4.0
CUDA_WHEEL_VERSION=12.1.105
LIBTORCH_DIR="$CACHE/libtorch-$TORCH_VERSION-cpu"
BUILD=1
PLAN_ONLY=

log() { printf '[setup] %s\n' "$*" >&2; }

# What to fetch for a platform (uname -s, uname -m): the torch wheel's platform tag, the other
# wheels it needs at load time, the files of the wheels that make up libtorch/lib, and whether
# libtorch.so must be replaced by an empty stub. Printed as key=value lines by --plan OS ARCH
# (tests/setup.rs checks each platform). Tested: Linux x86_64. Expected to work, not tested here
# (no such machine): Linux aarch64 (the CPU wheel: libtorch_cpu with OpenBLAS, Arm Compute
# Library and libgomp from torch.libs/, RPATH $ORIGIN) and macOS arm64 (libtorch_cpu.dylib with
# its libomp). libtorch's C++ ABI is the pre-C++11 one on both Linux wheels (LIBTORCH_CXX11_ABI=0).
wheel_plan() {
  local os=$1 arch=$2
  case "$os/$arch" in
    Linux/x86_64|Linux/amd64)
      echo "platform=manylinux1_x86_64"
      echo "extra=nvidia-cuda-runtime-cu12==$CUDA_WHEEL_VERSION nvidia-cuda-cupti-cu12==$CUDA_WHEEL_VERSION"
      echo "files=torch/lib/libtorch_cpu.so torch/lib/libc10.so torch/lib/libgomp-*.so.1 nvidia/cuda_runtime/lib/libcudart.so.12 nvidia/cuda_cupti/lib/libcupti.so.12"
      echo "stub=1" ;;
    Linux/aarch64|Linux/arm64)
      echo "platform=manylinux2014_aarch64"
      echo "extra="
      echo "files=torch/lib/libtorch_cpu.so torch/lib/libc10.so torch/lib/libtorch.so torch.libs/*.so*"
      echo "stub=0" ;;
    Darwin/arm64|Darwin/aarch64)
      echo "platform=macosx_11_0_arm64"
      echo "extra="
      echo "files=torch/lib/libtorch_cpu.dylib torch/lib/libc10.dylib torch/lib/libtorch.dylib torch/lib/libomp.dylib"
      echo "stub=0" ;;
    *)
      echo "setup.sh: no libtorch $TORCH_VERSION wheel for $os $arch (supported: Linux x86_64, Linux aarch64, macOS arm64)" >&2
      return 1 ;;
  esac
}

while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --plan) [ $# -ge 3 ] || { echo "setup.sh: --plan OS ARCH" >&2; exit 64; }; PLAN_ONLY="$2 $3"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$1'" >&2; exit 64 ;;
  esac
  shift
done
if [ -n "$PLAN_ONLY" ]; then
  # shellcheck disable=SC2086
  wheel_plan $PLAN_ONLY
  exit
fi
# ENTLINE_SETUP_PLATFORM="OS ARCH" unpacks another platform's wheel (to check it here; the build
# then fails, as it must on a foreign libtorch)
# shellcheck disable=SC2086
PLAN=$(wheel_plan ${ENTLINE_SETUP_PLATFORM:-$(uname -s) $(uname -m)}) || exit 1
plan() { printf '%s\n' "$PLAN" | sed -n "s/^$1=//p"; }

fetch_libtorch() {
  if [ -f "$LIBTORCH_DIR/.complete" ]; then
    return 0
  fi
  command -v python3 >/dev/null || { log "python3 (with pip) is required to fetch the torch wheel"; exit 1; }
  local dl="$CACHE/wheels"
  mkdir -p "$dl"
  local platform extra
  platform=$(plan platform)
  extra=$(plan extra)
  local have=1
  ls "$dl"/torch-$TORCH_VERSION-*"$platform".whl >/dev/null 2>&1 || have=0
  for w in $extra; do
    ls "$dl/$(printf '%s' "${w%%==*}" | tr - _)-${w##*==}-"*.whl >/dev/null 2>&1 || have=0
  done
  if [ "$have" = 0 ]; then
    log "downloading torch==$TORCH_VERSION${extra:+ and }${extra:+$extra} for $platform from PyPI (once)"
    # --python-version/--platform pin the exact wheel regardless of the local interpreter.
    # shellcheck disable=SC2086
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --python-version 3.11 --platform "$platform" -d "$dl" "torch==$TORCH_VERSION" $extra
  fi
  local wheels=("$(ls "$dl"/torch-$TORCH_VERSION-*"$platform".whl | head -n1)")
  for w in $extra; do
    wheels+=("$(ls "$dl/$(printf '%s' "${w%%==*}" | tr - _)-${w##*==}-"*.whl | head -n1)")
  done
  local tmp="$LIBTORCH_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib"
  log "unpacking libtorch into $LIBTORCH_DIR"
  # wheels are zip files; Python's zipfile avoids depending on unzip. The headers keep their
  # folders (torch/include/… → include/…); the libraries all go to lib/.
  python3 - "$tmp" "$(plan files)" "${wheels[@]}" <<'PY'
import fnmatch, os, shutil, sys, zipfile
dest, patterns, wheels = sys.argv[1], sys.argv[2].split() + ["torch/include/*"], sys.argv[3:]
for whl in wheels:
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name.endswith("/") or not any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            rel = name[len("torch/"):] if name.startswith("torch/include/") else os.path.join("lib", os.path.basename(name))
            target = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            lib = name.endswith((".so", ".dylib")) or ".so." in name
            os.chmod(target, 0o755 if lib else 0o644)
PY
  if [ "$(plan stub)" = 1 ]; then
    # Empty stand-in for libtorch.so (torch-sys links -ltorch; the x86-64 wheel's real one needs
    # libtorch_cuda.so).
    printf '' > "$tmp/stub.c"
    cc -shared -fPIC -o "$tmp/lib/libtorch.so" "$tmp/stub.c"
    rm -f "$tmp/stub.c"
  fi
  printf '%s\n' "$TORCH_VERSION" > "$tmp/build-version"
  touch "$tmp/.complete"
  rm -rf "$LIBTORCH_DIR"
  mv "$tmp" "$LIBTORCH_DIR"
  log "libtorch ready: $(du -sh "$LIBTORCH_DIR" | cut -f1)"
}

write_cargo_config() {
  mkdir -p "$ROOT/.cargo"
  local cfg="$ROOT/.cargo/config.toml"
  local want
  want=$(cat <<EOF
# Written by scripts/setup.sh (machine-specific, gitignored).
[env]
LIBTORCH = "$LIBTORCH_DIR"
LIBTORCH_CXX11_ABI = "0"
EOF
)
  if [ ! -f "$cfg" ] || [ "$(cat "$cfg")" != "$want" ]; then
    printf '%s\n' "$want" > "$cfg"
    log "wrote $cfg"
  fi
}

fetch_libtorch
write_cargo_config
export LIBTORCH="$LIBTORCH_DIR" LIBTORCH_CXX11_ABI=0
if [ "$BUILD" = 1 ]; then
  cd "$ROOT"
  [ -x "$ROOT/target/release/entline" ] || log "cargo build --release (first build ≈ 10 min on 2 cores; later ones are incremental)"
  cargo build --release --quiet --bin entline
fi
