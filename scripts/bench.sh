#!/usr/bin/env bash
# `npm run bench [-- options]`: builds the Worker and runs the acknowledgement / drain benchmark
# (bench/ack.mjs) on loopback. Options are passed through, e.g. `npm run bench -- --n 100`.
# `npm run bench:side-by-side` runs the gateway and the seed peer (scripts/seed-peer.sh) with
# the same load (bench/side-by-side.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
source scripts/toolchain.sh
WA_GATEWAY_PREBUILT= bash scripts/build.sh >/dev/null
if [ "${1:-}" = --side-by-side ]; then
  shift
  exec node bench/side-by-side.mjs --seed-python "$(bash scripts/seed-peer.sh)" "$@"
fi
exec node bench/ack.mjs "$@"
