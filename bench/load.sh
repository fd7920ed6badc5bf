#!/usr/bin/env bash
# A shift on one Enclave: agents on the console and an app on the OpenAI-compatible API at once,
# driven by Gatling (bench/load, Java DSL), against the embedded default (its own PostgreSQL,
# the demo model on the CPU) on loopback. What it measures: response times (p50, p95, p99) and
# the error rate of every request type:
#   login, list_conversations, create_conversation, stream_turn (a console turn streamed as SSE,
#   read to its last event)                               AGENTS agents, ramped, with think times
#   models, chat_completion, chat_completion_stream       API_RATE requests/s, open loop
# Sized for a 2-core machine; the load generator shares the cores with Enclave and its
# database, and the report says so. Rate limits are raised out of the way.
#
#   bench/load.sh                                   # 2 minutes, 10 agents, 2 API requests/s
#   DURATION=5m AGENTS=20 API_RATE=4 bench/load.sh
#
# Results: bench/target/load.txt (RESULT lines); Gatling's HTML report in
# bench/target/load/gatling/. Needs a JDK 17 and curl. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-2m}
AGENTS=${AGENTS:-10}
API_RATE=${API_RATE:-2}
MAX_TOKENS=${MAX_TOKENS:-16}
PORT=${PORT:-18200}
OUT=$PWD/bench/target/load
RESULTS=$PWD/bench/target/load.txt

# shellcheck source=bench/lib/shift.sh
. bench/lib/shift.sh

echo "== load for $DURATION"
gatling_command "$DURATION"
"${GATLING_CMD[@]}" 2>&1 | tee "$OUT/gatling.log" || { echo "Gatling failed; see $OUT/gatling.log"; exit 1; }

echo "$(machine_line) duration=$DURATION" > "$RESULTS"
summarize load "$RESULTS" >/dev/null
cat "$RESULTS"
echo "== results in $RESULTS, report in $(report_dir)index.html"
