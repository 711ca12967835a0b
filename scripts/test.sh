#!/usr/bin/env bash
# Every test of every package, after the same set-up as the quickstart.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Format, lint and line length first: a second, not worth a test run when it fails.
pnpm --silent lint
# Types of everything, tests and fixtures included (vitest strips types without checking them).
pnpm --silent typecheck
pnpm test
