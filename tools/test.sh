#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs the dependencies (as root,
# idempotent), builds, runs every ctest entry (unit, mysql with its private MariaDB, integration,
# fault), then the fuzz targets for a bounded time (tools/fuzz.sh; FUZZ_SECONDS per target,
# default 60). Fails when any of them fails.
#   tools/test.sh [ctest args...]     e.g. tools/test.sh -L unit (with arguments, no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh
status=0
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 1200 "$@") || status=$?
if [ $# -eq 0 ]; then
  bash tools/fuzz.sh "${FUZZ_SECONDS:-60}" || status=$?
fi
exit $status
