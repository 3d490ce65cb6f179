#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs the dependencies (as root,
# idempotent), builds, and runs every ctest entry (unit, mysql with its private MariaDB,
# integration, fault). Exit status is ctest's.
#   tools/test.sh [ctest args...]     e.g. tools/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 1200 "$@"
