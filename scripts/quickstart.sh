#!/usr/bin/env bash
# The main job on a fresh machine: set up, load the bundled sample benchmark into the embedded
# local engine, mine 5 hard negatives per query, and export them for training.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# set-up put the hardneg launcher in npm's global bin, or in ~/.local/bin when that was not writable.
command -v hardneg >/dev/null || PATH="$HOME/.local/bin:$PATH"

mkdir -p out
engine="local:out/sample.db"
hardneg load beir examples/sample --split test --engine "$engine"
hardneg eval --docs-collection sample --queries-collection sample-test --engine "$engine"
hardneg mine --docs-collection sample --queries-collection sample-test \
  --out-collection sample-negatives --negatives-per-query 5 --engine "$engine"
hardneg export --collection sample-negatives --format triplets --output out/sample-triplets.jsonl --engine "$engine"
echo "first triplet of out/sample-triplets.jsonl:"
head -n 1 out/sample-triplets.jsonl
