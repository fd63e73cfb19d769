#!/usr/bin/env bash
# Installs what the build and the tests need, builds everything, runs every suite.
# Test fixtures start the servers they need themselves (on free loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-tests
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCALLAGENT_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300 "$@"
