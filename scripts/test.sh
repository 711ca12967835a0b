#!/usr/bin/env bash
# Every test of every package, after the same set-up as the quickstart.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm test
