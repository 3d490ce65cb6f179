#!/usr/bin/env bash
# Refreshes the board's screenshots in docs/board/ from the browser test's live federation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
mkdir -p docs/board
cd build/tests
FEDFLOW_BOARD_SCREENSHOTS="$PWD/../../docs/board" ./ff_board_browser_test --log_level=test_suite
