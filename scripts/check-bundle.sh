#!/usr/bin/env bash
# The deploy as Cloudflare would receive it (`wrangler deploy --dry-run`, offline): prints the
# bundle size and fails when it is over the limit. Cloudflare's free plan takes 3 MB gzip; we
# hold ourselves to 1 MiB gzip (BUNDLE_LIMIT_KIB) so that growth is noticed early.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
LIMIT_KIB="${BUNDLE_LIMIT_KIB:-1024}"
out=$(WA_GATEWAY_PREBUILT="${WA_GATEWAY_PREBUILT:-}" wrangler deploy --dry-run --outdir build/dry-run 2>&1) || { echo "$out"; exit 1; }
line=$(grep -E "Total Upload:" <<<"$out" | tail -1)
echo "wrangler deploy --dry-run: ${line}"
gzip_kib=$(sed -E 's/.*gzip: ([0-9.]+) KiB.*/\1/' <<<"$line")
if awk -v g="$gzip_kib" -v l="$LIMIT_KIB" 'BEGIN { exit !(g > l) }'; then
  echo "bundle too large: ${gzip_kib} KiB gzip > ${LIMIT_KIB} KiB (free plan hard limit: 3072 KiB)" >&2
  exit 1
fi
echo "bundle within limit: ${gzip_kib} KiB gzip <= ${LIMIT_KIB} KiB (free plan: 3072 KiB)"
