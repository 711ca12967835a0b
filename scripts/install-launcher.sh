#!/usr/bin/env bash
# Puts a `hardneg` command on the PATH that runs this checkout's built CLI from any folder.
# Usage: scripts/install-launcher.sh [bin-folder]
# The default folder is npm's global bin (where `npm install --global` puts commands, and where
# set-up installed pnpm), else ~/.local/bin. The launcher is a two-line shell script, not a
# symlink, so it keeps working after a rebuild and needs no executable bit on dist/main.js.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
entry="$repo/packages/cli/dist/main.js"

bin_folder="${1:-}"
if [ -z "$bin_folder" ]; then
  bin_folder="$(npm prefix --global)/bin"
  if ! { [ -d "$bin_folder" ] && [ -w "$bin_folder" ]; }; then
    bin_folder="$HOME/.local/bin"
  fi
fi
mkdir -p "$bin_folder"

launcher="$bin_folder/hardneg"
temporary="$launcher.tmp.$$"
printf '#!/bin/sh\n# Written by %s/scripts/install-launcher.sh: runs that checkout'"'"'s hardneg.\nexec node "%s" "$@"\n' \
  "$repo" "$entry" >"$temporary"
chmod +x "$temporary"
mv -f "$temporary" "$launcher"

case ":$PATH:" in
  *":$bin_folder:"*) echo "setup: the hardneg command is $launcher" >&2 ;;
  *) echo "setup: wrote $launcher; add $bin_folder to your PATH to run hardneg from any folder" >&2 ;;
esac
