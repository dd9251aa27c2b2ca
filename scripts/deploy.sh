#!/usr/bin/env bash
# `npm run deploy`: builds with the pinned toolchain, checks the bundle size, deploys with
# wrangler (run `npx wrangler login` once, and set the secrets first: see README "Deploy").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
source scripts/toolchain.sh
unset CI
WA_GATEWAY_PREBUILT= bash scripts/build.sh
WA_GATEWAY_PREBUILT=1 bash scripts/check-bundle.sh
exec env WA_GATEWAY_PREBUILT=1 wrangler deploy "$@"
