#!/usr/bin/env bash
# `npm run bench [-- options]`: builds the Worker and runs the acknowledgement / drain benchmark
# (bench/ack.mjs) on loopback. Options are passed through, e.g. `npm run bench -- --n 100`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
source scripts/toolchain.sh
WA_GATEWAY_PREBUILT= bash scripts/build.sh >/dev/null
exec node bench/ack.mjs "$@"
