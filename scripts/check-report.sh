#!/usr/bin/env bash
# Renders a hardneg HTML report in headless Chromium and saves a screenshot, to check by eye that
# the page (inline CSS, server-rendered SVG charts, no scripts) displays. Installs nothing.
#
#   bash scripts/check-report.sh report.html [screenshot.png]
#
# Needs Debian's chromium package: apt-get install -y chromium
set -euo pipefail

if [[ $# -lt 1 || ! -f "$1" ]]; then
  echo "usage: bash scripts/check-report.sh <report.html> [screenshot.png]" >&2
  exit 2
fi
report="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
screenshot="${2:-${report%.html}.png}"

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [[ -z "$browser" ]]; then
  echo "check-report: no chromium found; install it with: apt-get install -y chromium" >&2
  exit 2
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --user-data-dir="$profile")

# The DOM after parsing: every chart must have arrived as an <svg>, and no script may be there.
dom="$("$browser" "${flags[@]}" --dump-dom "file://$report" 2>/dev/null)"
svgs="$(grep -o '<svg' <<<"$dom" | wc -l)"
if grep -qi '<script' <<<"$dom"; then
  echo "check-report: the rendered page contains a <script> element" >&2
  exit 1
fi
if [[ "$svgs" -eq 0 ]]; then
  echo "check-report: the rendered page has no SVG chart" >&2
  exit 1
fi

"$browser" "${flags[@]}" --screenshot="$screenshot" --window-size=1280,2000 "file://$report" >/dev/null 2>&1
if [[ ! -s "$screenshot" ]]; then
  echo "check-report: chromium wrote no screenshot" >&2
  exit 1
fi
echo "check-report: $report rendered with $svgs charts; screenshot $screenshot ($(wc -c <"$screenshot") bytes)"
