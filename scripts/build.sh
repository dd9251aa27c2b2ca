#!/usr/bin/env bash
# The [build] command of wrangler.toml: compiles the Worker to build/ with worker-build.
# WA_GATEWAY_PREBUILT=1 skips it when build/ is already current (the test runner builds once,
# then starts several wrangler dev instances on the same build).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$REPO_ROOT"
if [ "${WA_GATEWAY_PREBUILT:-}" = 1 ] && [ -f build/index.js ]; then
  exit 0
fi
bash scripts/install-tools.sh --no-npm
exec worker-build --release
