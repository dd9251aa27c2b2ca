#!/usr/bin/env bash
# Installs the pinned toolchain from the package registries only: the wasm32 target (rustup),
# worker-build and wasm-bindgen-cli (crates.io, into a per-version cache shared by checkouts),
# and the npm packages of package-lock.json (wrangler, Node 22, esbuild, binaryen).
# Idempotent and quick when everything is there.  --no-npm skips the npm step.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$REPO_ROOT"
log() { printf '[install-tools] %s\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

install_crate() { # crate version binary [extra cargo flags]
  local root="$TOOLS_ROOT/$1-$2"
  [ -x "$root/bin/$3" ] && return 0
  log "cargo install $1 $2 (a few minutes, once per machine)"
  rm -rf "$root.partial"
  cargo install "$1" --version "$2" --root "$root.partial" --quiet "${@:4}"
  rm -rf "$root" && mv "$root.partial" "$root"
}
install_crate worker-build "$WORKER_BUILD_VERSION" worker-build --locked
# No --locked: wasm-bindgen-cli's own lockfile wants a webpki-roots the registry no longer has.
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen

if [ "${1:-}" != "--no-npm" ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  # wrangler needs Node.js >= 22.12. On Linux (x64, arm64) and Intel macOS npm installs it as an
  # optional dependency (node_modules/.bin/node, first on PATH); elsewhere the user's own Node
  # must be new enough (no Node 22 is published on npm for Apple silicon).
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'; then
    log "wrangler needs Node.js >= 22.12, found $(node -v) ($(uname -s) $(uname -m)): install Node 22 (nodejs.org, nvm or Homebrew) and run again"
    exit 1
  fi
fi
