#!/usr/bin/env bash
# Installs what the build and the tests need, builds everything, runs every suite.
# Test fixtures start the servers they need themselves (on free loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-tests
# The shipped optimisation (-O2, NDEBUG) without debug info: a third less compile time,
# and the tests exercise the same code the host runs.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
  -DCALLAGENT_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300 "$@"
