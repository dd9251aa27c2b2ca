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
# Nothing changed since the last complete build (sources, lockfile, tool versions): keep it.
# wasm-opt alone takes ~20 s, so a second `npm start` is ready in seconds.
stamp=build/.complete
inputs="$WORKER_BUILD_VERSION $WASM_BINDGEN_VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] \
   && [ -z "$(find src Cargo.toml Cargo.lock scripts/build.sh -newer "$stamp" -print 2>/dev/null | head -n 1)" ]; then
  printf '[build] build/ is current (nothing changed since it was made)\n' >&2
  exit 0
fi
printf '[build] worker-build --release (about a minute the first time, ~20 s after a change)\n' >&2
rm -f "$stamp"
worker-build --release
printf '%s' "$inputs" > "$stamp"
