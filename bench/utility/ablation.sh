#!/usr/bin/env bash
# Which change to the corpus moves the utility benchmark's score (issue 28): the demo's inputs run through
# `forge run` once per configuration in bench/utility/ablation/ (the example's configuration with one change to
# the corpus mix each), then bench/utility/run.sh scores every arm - the demo's own run, those runs, and the
# mixes of the demo's splits (--mixes) - under one token budget. It starts the local servers for the runs and stops
# them before training. Extra arguments go to run.sh, e.g.
#   bench/utility/ablation.sh --quick          or          bench/utility/ablation.sh --budget 32768 --seeds 1
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f out/demo/manifest.json ] || npm run -s demo
node cli/bin.js services up
node cli/bin.js worker >out/ablation-worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
ex=examples/moulding-line
arms=()
for cfg in bench/utility/ablation/*.json; do
  name=$(basename "$cfg" .json)
  node cli/bin.js run --input $ex/sensors.csv $ex/events.log $ex/workorders.txt --out "out/ablation/$name" \
    --config "$cfg" --wait
  arms+=(--arm "$name=out/ablation/$name")
done
kill $worker 2>/dev/null || true
node cli/bin.js services down >/dev/null # the training below needs both cores
exec bench/utility/run.sh --run out/demo --mixes "${arms[@]}" "$@"
