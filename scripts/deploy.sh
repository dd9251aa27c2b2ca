#!/usr/bin/env bash
# `npm run deploy`: validates deploy.env and .secrets.env with the Worker's own rules, builds with
# the pinned toolchain, deploys, then checks the deployed /healthz (see scripts/deploy.mjs and
# docs/deploy.md). Run `npx wrangler login` once first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
source scripts/toolchain.sh
unset CI
exec node scripts/deploy.mjs "$@"
