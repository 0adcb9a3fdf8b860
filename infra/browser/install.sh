#!/usr/bin/env bash
# Installs Debian's Chromium (apt package chromium) for the tests that look at the Temporal Web UI in a headless
# browser (driven by playwright-core, an npm devDependency; no browser download). Idempotent; prints its path.
set -euo pipefail
bin=/usr/bin/chromium
if [ ! -x "$bin" ]; then
  echo "[forge] installing Debian's chromium (apt) for the Web UI checks" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq --no-install-recommends chromium >&2 ||
    { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq --no-install-recommends chromium >&2; }
fi
echo "$bin"
