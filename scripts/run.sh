#!/usr/bin/env bash
# Installs what callagent needs, builds it, and runs the host on the offline default
# config. Extra arguments go to callagent (e.g. --port 8080, --log-format json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target callagent callagent_plugins
exec build/bin/callagent --config config/default.json "$@"
