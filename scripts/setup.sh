#!/usr/bin/env bash
# `npm run setup -- --zendesk acme.zendesk.com --gateway https://<worker>.workers.dev`
# (see scripts/setup.mjs). Needs only the npm packages (wrangler, to store the secret).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi
source scripts/toolchain.sh
unset CI
exec node scripts/setup.mjs --secret-command "wrangler secret put" "$@"
