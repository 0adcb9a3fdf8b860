#!/usr/bin/env bash
# Installs the npm packages when they are missing or older than package-lock.json. The Temporal CLI and the
# Neo4j launcher are installed on first use by infra/services.ts (go install / mvn package).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[forge] installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
