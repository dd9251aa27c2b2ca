#!/usr/bin/env bash
# Prepares the original FastAPI design (the seed peer) for the side-by-side benchmark: a virtual
# environment with its pinned packages (bench/seed/requirements.txt), made once, and prints the
# environment's python. The peer's code stays where it is (SEED_PEER_DIR, default
# ../shared/peers/seed_fastapi); nothing of it is copied into this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SEED_VENV:-.cache/seed-venv}"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s bench/seed/requirements.txt "$stamp"; then
  echo "[seed-peer] python3 -m venv $venv; pip install -r bench/seed/requirements.txt (about a minute, once)" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/seed/requirements.txt
  cp bench/seed/requirements.txt "$stamp"
fi
echo "$venv/bin/python"
