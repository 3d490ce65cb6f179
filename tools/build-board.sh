#!/usr/bin/env bash
# Builds the web board (board/ -> board/dist, which fedflow-server serves) with the npm packages
# pinned in board/package-lock.json. Skips what is current: `npm ci` only when the lock file
# changed since the last install, the bundle only when a source is newer than it.
set -euo pipefail
cd "$(dirname "$0")/../board"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
  touch node_modules/.package-lock.json
fi
if [ ! -f dist/index.html ] || [ -n "$(find src build.mjs package-lock.json -newer dist/index.html -print -quit)" ]; then
  npm run --silent build
else
  echo "build-board.sh: board/dist is current"
fi
