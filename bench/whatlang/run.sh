#!/usr/bin/env bash
# Reruns the comparison: whatlang's accuracy, then its wasm cost (with and without it, after
# wasm-opt -Oz as the gateway's build does). Run from the repository root after npm install:
#   bash bench/whatlang/run.sh
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo run --quiet --release --features whatlang --bin accuracy
wasm_opt=../../node_modules/binaryen/bin/wasm-opt
for variant in without with; do
  features=(); [ "$variant" = with ] && features=(--features whatlang)
  cargo build --quiet --release --lib --target wasm32-unknown-unknown "${features[@]}"
  "$wasm_opt" -Oz "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/whatlang_comparison.wasm" -o "$CARGO_TARGET_DIR/$variant.wasm"
  echo "$variant whatlang: $(wc -c <"$CARGO_TARGET_DIR/$variant.wasm") bytes wasm, $(gzip -9c "$CARGO_TARGET_DIR/$variant.wasm" | wc -c) gzip"
done
