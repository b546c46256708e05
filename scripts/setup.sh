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
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 1 ;;
  esac
done

log() { printf '[setup] %s\n' "$*" >&2; }

fetch_libtorch() {
  if [ -f "$LIBTORCH_DIR/.complete" ]; then
    return 0
  fi
  command -v python3 >/dev/null || { log "python3 (with pip) is required to fetch the torch wheel"; exit 1; }
  local dl="$CACHE/wheels"
  mkdir -p "$dl"
  local torch_whl="$dl/torch-$TORCH_VERSION-cp311-cp311-manylinux1_x86_64.whl"
  if ! ls "$dl"/torch-$TORCH_VERSION-*.whl >/dev/null 2>&1 \
     || ! ls "$dl"/nvidia_cuda_runtime_cu12-$CUDA_WHEEL_VERSION-*.whl >/dev/null 2>&1 \
     || ! ls "$dl"/nvidia_cuda_cupti_cu12-$CUDA_WHEEL_VERSION-*.whl >/dev/null 2>&1; then
    log "downloading torch==$TORCH_VERSION and CUDA runtime wheels from PyPI (~810 MB, once)"
    # --python-version/--platform pin the exact wheel regardless of the local interpreter.
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux1_x86_64 -d "$dl" \
      "torch==$TORCH_VERSION" "nvidia-cuda-runtime-cu12==$CUDA_WHEEL_VERSION" \
      "nvidia-cuda-cupti-cu12==$CUDA_WHEEL_VERSION"
  fi
  torch_whl=$(ls "$dl"/torch-$TORCH_VERSION-*.whl | head -n1)
  local tmp="$LIBTORCH_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib"
  log "unpacking libtorch into $LIBTORCH_DIR"
  # wheels are zip files; Python's zipfile avoids depending on unzip
  python3 - "$torch_whl" "$tmp" \
    "$(ls "$dl"/nvidia_cuda_runtime_cu12-$CUDA_WHEEL_VERSION-*.whl | head -n1)" \
    "$(ls "$dl"/nvidia_cuda_cupti_cu12-$CUDA_WHEEL_VERSION-*.whl | head -n1)" <<'PY'
import fnmatch, os, shutil, sys, zipfile
torch_whl, dest, cudart_whl, cupti_whl = sys.argv[1:5]
def take(whl, patterns, strip):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name.endswith("/") or not any(fnmatch.fnmatch(name, p) for p in patterns):
                continue
            target = os.path.join(dest, name[len(strip):] if name.startswith(strip) else os.path.basename(name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            os.chmod(target, 0o755 if name.endswith(".so") or ".so." in name else 0o644)
take(torch_whl, ["torch/include/*", "torch/lib/libtorch_cpu.so", "torch/lib/libc10.so", "torch/lib/libgomp-*.so.1"], "torch/")
take(cudart_whl, ["nvidia/cuda_runtime/lib/libcudart.so.12"], "nvidia/cuda_runtime/")
take(cupti_whl, ["nvidia/cuda_cupti/lib/libcupti.so.12"], "nvidia/cuda_cupti/")
PY
  # Empty stand-in for libtorch.so (torch-sys links -ltorch; the real one needs libtorch_cuda.so).
  printf '' > "$tmp/stub.c"
  cc -shared -fPIC -o "$tmp/lib/libtorch.so" "$tmp/stub.c"
  rm -f "$tmp/stub.c"
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
