#!/usr/bin/env bash
# `cmake --install` gives a relocatable tree: after moving it elsewhere, the host still
# finds its plugins and its default config relative to its own binary.
set -euo pipefail
build_dir="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/first" >/dev/null
mv "$work/first" "$work/moved"
prefix="$work/moved"

fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -x "$prefix/bin/callagent" ]] || fail "bin/callagent missing"
[[ -f "$prefix/lib/callagent/plugins/libstate_memory.so" ]] || fail "state_memory plugin missing"
[[ -f "$prefix/lib/callagent/plugins/libevents_jsonfile.so" ]] || fail "events_jsonfile plugin missing"
[[ -f "$prefix/share/callagent/config/default.json" ]] || fail "default config missing"
if ls "$prefix/lib/callagent/plugins" | grep -q fixture; then fail "test fixtures were installed"; fi

listing=$(cd / && "$prefix/bin/callagent" --list-plugins)
grep -q "plugins in $prefix/lib/callagent/plugins" <<<"$listing" || fail "wrong plugin folder: $listing"
grep -Eq "state_memory +state" <<<"$listing" || fail "state_memory not listed: $listing"
grep -Eq "events_jsonfile +events" <<<"$listing" || fail "events_jsonfile not listed: $listing"

# No --config: the installed default config, whose plugins resolve beside the binary.
check=$(cd / && "$prefix/bin/callagent" --check-config)
grep -q "share/callagent/config/default.json: ok" <<<"$check" || fail "default config check: $check"
echo "install tree: ok"
