#!/usr/bin/env bash
# Installs everything hardneg needs on a fresh machine with Node.js 20+ and npm, then builds.
# Safe to re-run: each step is skipped or quick when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION with npm" >&2
  npm install --global "pnpm@$PNPM_VERSION" >&2
fi

# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded; point
# node-gyp at the headers installed with Node.js so it does not try to download them either.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi

pnpm install --frozen-lockfile >&2
pnpm --silent build >&2
# A `hardneg` command on the PATH, so the CLI runs from any folder (relative paths are then the user's).
bash scripts/install-launcher.sh
# Fail here, not in the middle of a test, if a native module did not build or load.
node -e "const Database = require('./packages/backend-local/node_modules/better-sqlite3'); new Database(':memory:').close()"
