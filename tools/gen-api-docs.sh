#!/usr/bin/env bash
# Regenerates docs/api.md from the server's route table (after a build).
set -euo pipefail
cd "$(dirname "$0")/.."
"${BUILD_DIR:-build}/service/app/fedflow-server" --api-reference > docs/api.md
echo "docs/api.md regenerated"
