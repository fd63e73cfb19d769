#!/usr/bin/env bash
# Installs what callagent needs, builds it, and runs the host on the offline default
# config (PocketSphinx, the dental-office script, Flite: no accounts, no network).
# Extra arguments go to callagent (e.g. --port 8080, --log-format json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target callagent callagent_plugins call-sim outbound-call transcripts-export
cat >&2 <<'HOW'

callagent is starting on the offline default config. To place a call, in another terminal:

  build/bin/call-sim --say "I would like to book an appointment" --say "Tuesday" \
      --say "in the morning please" --say "my name is John" --say "yes that is right" --wait-for-goodbye

(call-sim plays Twilio: it synthesises each line with Flite, streams it in real time, and
prints the agent's side.) Transcripts are written to ./transcripts/. Stop with Ctrl-C.

HOW
exec build/bin/callagent --config config/default.json "$@"
