#!/usr/bin/env bash
# Builds the guest corpus: every corpus/src/*.c becomes a static RV64GC Linux binary in
# corpus/bin/<name> (committed, symbols kept); where the tools exist, also a host build in
# corpus/build/host/<name> and, for manifest entries with "wasm": true, a wasm32-wasi build
# in corpus/build/wasm/<name>.wasm (corpus/build/ is not committed).
# Invariant: the guest flags below are the ones the committed binaries were built with.
# Usage: corpus/build.sh [name...]   (default: every source)
set -euo pipefail
cd "$(dirname "$0")/.."

GUEST_CC=riscv64-linux-gnu-gcc
COMMON_FLAGS=(-O2 -Wall -Wextra)
# Benchmarks do not contract a*b+c into fma, so host, wasm and guest print the same checksums.
BENCH_FLAGS=(-ffp-contract=off)

if [ $# -gt 0 ]; then names=("$@"); else
  names=()
  for source in corpus/src/*.c; do names+=("$(basename "$source" .c)"); done
fi

# Names of manifest entries marked "wasm": true (read with node, which the repo needs anyway).
wasm_names=" $(node -e 'const m=require("./corpus/manifest.json");console.log(m.filter(e=>e.wasm).map(e=>e.name).join(" "))') "

have() { command -v "$1" >/dev/null 2>&1; }
flags_for() { case "$1" in bench_*) echo "${BENCH_FLAGS[@]}" ;; esac; }

mkdir -p corpus/bin corpus/build/host corpus/build/wasm
have "$GUEST_CC" || { echo "error: $GUEST_CC not found; install gcc-riscv64-linux-gnu" >&2; exit 1; }
failures=0
for name in "${names[@]}"; do
  source="corpus/src/$name.c"
  [ -f "$source" ] || { echo "error: no source $source" >&2; exit 1; }
  read -r -a extra <<<"$(flags_for "$name")"
  echo "guest  $name"
  "$GUEST_CC" "${COMMON_FLAGS[@]}" "${extra[@]}" -static -o "corpus/bin/$name" "$source" -lm -latomic

  if have gcc; then
    echo "host   $name"
    gcc "${COMMON_FLAGS[@]}" "${extra[@]}" -o "corpus/build/host/$name" "$source" -lm -latomic 2>/dev/null \
      || { echo "host   $name: not buildable for the host (RISC-V inline assembly); skipped"; }
  fi

  if [[ "$wasm_names" == *" $name "* ]]; then
    if have clang; then
      echo "wasm   $name"
      clang --target=wasm32-wasi "${COMMON_FLAGS[@]}" "${extra[@]}" -Wno-unknown-attributes -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_GETPID \
        -o "corpus/build/wasm/$name.wasm" "$source" -lm -lwasi-emulated-signal -lwasi-emulated-getpid \
        || { echo "wasm   $name: FAILED although the manifest says wasm: true" >&2; failures=$((failures + 1)); }
    fi
  else
    echo "wasm   $name: not built (manifest says wasm: false: uses Linux-only calls or RISC-V assembly)"
  fi
done
[ "$failures" -eq 0 ] || { echo "error: $failures wasm build(s) failed" >&2; exit 1; }
echo "built ${#names[@]} program(s)"
