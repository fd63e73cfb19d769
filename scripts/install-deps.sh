#!/usr/bin/env bash
# Installs every Debian package callagent needs to build, run and test.
# Idempotent and quiet: when everything is already installed it prints nothing and
# never touches apt. Later features add their packages to the lists below.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config git
  libpoco-dev libssl-dev
  libboost-dev libboost-filesystem-dev libboost-program-options-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev
  libsndfile1-dev libspeexdsp-dev flite1-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  libhiredis-dev
)
test_packages=(
  libgtest-dev libgmock-dev python3 openssl
  redis-server nginx-light
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--with-tests" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  # dpkg-query exits non-zero for unknown packages; "install ok installed" means present.
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
if [[ $(id -u) -ne 0 ]]; then as_root=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
