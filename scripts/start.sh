#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs the sandbox and the gateway together.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
source scripts/toolchain.sh
exec node scripts/start.mjs
