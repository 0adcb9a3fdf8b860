#!/usr/bin/env bash
# The utility benchmark (bench/utility/utility.py): installs its pinned Python packages (CPU torch, transformers,
# gguf, datasets, lm-eval) into the git-ignored .tools/utility/venv on first use, then runs it with the arguments
# given, e.g.  bench/utility/run.sh --run out/demo --quick
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.tools/utility/venv
pins=(torch==2.15.0 transformers==5.23.0 accelerate==1.15.0 gguf==0.19.0 datasets==5.2.0 lm-eval==0.4.13 sentencepiece==0.2.3)
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, transformers, accelerate, gguf, datasets, lm_eval" 2>/dev/null; then
  echo "[utility] installing ${pins[*]} into $venv (first time: a few GB)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "${pins[@]}" >&2
fi
exec "$venv/bin/python" bench/utility/utility.py "$@"
