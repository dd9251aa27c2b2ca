#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test:
#   0. no import cycles between the modules of src/ (scripts/check-cycles.mjs, seconds)
#   1. the core's unit tests, natively (cargo test)
#   2. a release build of the Worker (worker-build)
#   3. the end-to-end tests: the built Worker in wrangler dev (workerd) against the project's
#      emulator of Zendesk and Twilio on loopback, and the sandbox page in headless Chromium
#      (node --test)
set -euo pipefail
cd "$(dirname "$0")/.."

# First, because it takes a second: the check must be able to fail (its self-test), then it must
# pass on src/ (docs/architecture.md, layers).
echo "== module import cycles (npm run check:cycles)"
node scripts/check-cycles.mjs --self-test
node scripts/check-cycles.mjs --quiet

bash scripts/install-tools.sh
source scripts/toolchain.sh

echo "== native unit tests (cargo test)"
cargo test --quiet

echo "== release build of the Worker"
WA_GATEWAY_PREBUILT= bash scripts/build.sh
wasm=build/index_bg.wasm
echo "bundle: $(wc -c <"$wasm") bytes wasm, $(gzip -9c "$wasm" | wc -c) bytes gzip"

bash scripts/ensure-chromium.sh

echo "== end-to-end tests (wrangler dev + emulator; sandbox page in Chromium)"
rm -rf .wrangler/test-* test-artifacts
# --test-timeout: a test that hangs fails after 10 minutes (none takes more than 2) instead of
# holding the run; --test-force-exit: a file whose hook failed before stopping what it started
# still ends (the harness kills its gateways when the file's process exits).
node --test --test-concurrency=1 --test-timeout=600000 --test-force-exit ${E2E_FILTER:-tests/e2e/*.test.mjs tests/browser/*.test.mjs}
