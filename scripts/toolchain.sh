# Sourced by the project's scripts: where the pinned tools live and how worker-build finds them.
# No binary is downloaded from outside the package registries (see scripts/install-tools.sh).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKER_BUILD_VERSION=0.8.7
# Must equal the wasm-bindgen version in Cargo.lock: the CLI refuses any other schema version.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$REPO_ROOT/Cargo.lock")
TOOLS_ROOT="${WA_GATEWAY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/wa-zendesk-gateway/tools}"
export PATH="$TOOLS_ROOT/worker-build-$WORKER_BUILD_VERSION/bin:$TOOLS_ROOT/wasm-bindgen-cli-$WASM_BINDGEN_VERSION/bin:$REPO_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# worker-build uses these instead of downloading wasm-bindgen, esbuild and wasm-opt.
export WASM_BINDGEN_BIN=wasm-bindgen ESBUILD_BIN=esbuild WASM_OPT_BIN=wasm-opt
# wrangler: no telemetry, no cf.json download, no interactive prompts.
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
