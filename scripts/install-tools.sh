#!/usr/bin/env bash
# Installs the pinned toolchain from the package registries only: the wasm32 target (rustup),
# worker-build and wasm-bindgen-cli (crates.io, into a per-version cache shared by checkouts),
# and the npm packages of package-lock.json (wrangler, Node 22, esbuild, binaryen).
# Idempotent: a second run checks three paths and returns.  --no-npm skips the npm step.
#
# First run on a 2-core machine (measured, docs/performance.md, "First run and rebuild times"): the two tools are built with
# cargo's dev profile without debug info, which compiles about 5x faster than `release` and is
# plenty for tools that only have to be correct (wasm-bindgen then takes ~1 s per build instead
# of ~0.3 s). Both builds share one target directory, so the crates they have in common compile
# once, and `npm ci` runs at the same time.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$REPO_ROOT"
log() { printf '[install-tools] %s\n' "$*" >&2; }
started=$SECONDS

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown (under a minute)"
  rustup target add wasm32-unknown-unknown
fi

need_npm=0
if [ "${1:-}" != "--no-npm" ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    need_npm=1
  fi
  # A linked node_modules is another checkout's install (a git worktree): npm ci would empty the
  # link's target under that checkout, so it is left alone.
  if [ "$need_npm" = 1 ] && [ -L node_modules ]; then
    log "node_modules is a link to another checkout's install: not running npm ci"
    need_npm=0
  fi
fi

mkdir -p "$TOOLS_ROOT"
npm_pid=
if [ "$need_npm" = 1 ]; then
  log "npm ci (wrangler, workerd, Node 22, esbuild, binaryen; about a minute), in the background"
  npm ci --no-audit --no-fund --loglevel=error > "$TOOLS_ROOT.npm-ci.log" 2>&1 &
  npm_pid=$!
fi

# Runs a command, logging a line every 20 s meanwhile: `cargo install --quiet` and `npm ci` are
# silent for minutes on a first run, which looks like a hang.
with_heartbeat() { # label command...
  local label=$1 t0=$SECONDS status=0
  shift
  (while sleep "${WA_GATEWAY_HEARTBEAT_SECS:-20}"; do log "... still $label ($((SECONDS - t0)) s)"; done) &
  local ticker=$!
  "$@" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}

# `cargo install` into "$root.partial", renamed when complete, so an interrupted run never
# leaves a half-installed tool that a later run would take for a finished one.
install_crate() { # crate version binary [extra cargo flags]
  local root="$TOOLS_ROOT/$1-$2"
  [ -x "$root/bin/$3" ] && return 0
  rm -rf "$root.partial"
  CARGO_PROFILE_DEV_DEBUG=0 CARGO_TARGET_DIR="$TOOLS_ROOT/target" \
    with_heartbeat "compiling $1 (cargo install)" cargo install "$1" --version "$2" --root "$root.partial" --debug --quiet "${@:4}"
  rm -rf "$root" && mv "$root.partial" "$root"
}
missing=()
[ -x "$TOOLS_ROOT/worker-build-$WORKER_BUILD_VERSION/bin/worker-build" ] || missing+=(worker-build)
[ -x "$TOOLS_ROOT/wasm-bindgen-cli-$WASM_BINDGEN_VERSION/bin/wasm-bindgen" ] || missing+=(wasm-bindgen-cli)
if [ ${#missing[@]} -gt 0 ]; then
  log "cargo install ${missing[*]} from crates.io (once per machine; about 3 minutes on 2 cores)"
  # One after the other: they share the target directory (cargo locks it) and each build
  # already uses every core.
  install_crate worker-build "$WORKER_BUILD_VERSION" worker-build --locked
  # No --locked: wasm-bindgen-cli's own lockfile wants a webpki-roots the registry no longer has.
  # Only the wasm-bindgen binary: the crate's test runners are not needed.
  install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen --bin wasm-bindgen
  rm -rf "$TOOLS_ROOT/target"
  log "tools built in $((SECONDS - started)) s"
fi

if [ -n "$npm_pid" ]; then
  if ! with_heartbeat "installing the npm packages (npm ci)" wait "$npm_pid"; then
    cat "$TOOLS_ROOT.npm-ci.log" >&2
    log "npm ci failed"
    exit 1
  fi
  log "npm ci done ($((SECONDS - started)) s since start)"
fi

if [ "${1:-}" != "--no-npm" ]; then
  # wrangler needs Node.js >= 22.12. On Linux (x64, arm64) and Intel macOS npm installs it as an
  # optional dependency (node_modules/.bin/node, first on PATH); elsewhere the user's own Node
  # must be new enough (no Node 22 is published on npm for Apple silicon).
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'; then
    log "wrangler needs Node.js >= 22.12, found $(node -v) ($(uname -s) $(uname -m)): install Node 22 (nodejs.org, nvm or Homebrew) and run again"
    exit 1
  fi
fi
