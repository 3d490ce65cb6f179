#!/usr/bin/env bash
# Configures and builds fedflow into build/, and the web board into board/dist (Ninja, -j2 by default: the machine has 2 cores).
#   tools/build.sh [extra cmake args...]      env: BUILD_DIR (build), BUILD_TYPE (RelWithDebInfo), JOBS (2)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-2}
# Warnings are errors here (CI and development); a plain cmake build leaves them warnings.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DFEDFLOW_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
# The board's pages, served by fedflow-server from board/dist.
bash tools/build-board.sh
