#!/usr/bin/env bash
# What one round of Enclave's own tools costs a turn: streamed chat completions through
# Enclave with an API key without tools (the baseline) against the same requests with a key
# whose tenant enabled Enclave's tools (scope tools), for which the model server proposes one
# knowledge_base_search call first. That turn asks the model twice, checks and runs the call
# (a full-text search of the embedded PostgreSQL's demo knowledge base), audits it, and
# renders the result into the second prompt. The model server answers at once, so the
# difference is Enclave's own work.
#
#   bench/tools.sh
#
# Results: bench/target/tools-results.txt (RESULT lines). Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
LEVELS=${LEVELS:-"1 8"}
ROUNDS=${ROUNDS:-2}
CHUNKS=${CHUNKS:-64}
OUT=bench/target
RESULTS=$OUT/tools-results.txt
UPSTREAM_PORT=18091
ENCLAVE_PORT=18081
PASSWORD=bench-admin-password-1
mkdir -p "$OUT"

BENCH=tools
EXTRA_ARGS=()
# shellcheck source=bench/lib/front.sh
. bench/lib/front.sh
wrk_script "$OUT/plain.lua" "$(api_key plain '["chat"]')"
TOOLS_KEY=$(api_key tools '["chat","tools"]')
wrk_script "$OUT/tools.lua" "$TOOLS_KEY"
URL="http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions"

# The tool round really happens: the answer is the one the model gives after the call. (The
# backend's first health check may not have passed yet: a few tries.)
for _ in $(seq 10); do
	curl -sf "http://127.0.0.1:$ENCLAVE_PORT/v1/models" -H "Authorization: Bearer $TOOLS_KEY" | grep -q bench-model && break
	sleep 1
done
answer=$(curl -s -N "$URL" -H "Authorization: Bearer $TOOLS_KEY" -H 'Content-Type: application/json' \
	-d '{"model":"bench-model","stream":true,"messages":[{"role":"user","content":"refund?"}]}')
grep -q '"content":"word ' <<<"$answer" || { echo "Enclave did not answer after the tool round: $answer"; exit 1; }

echo "== warm-up (JIT)"
wrk -t2 -c8 -d"${WARMUP:-90s}" -s "$OUT/tools.lua" "$URL" >/dev/null
wrk -t2 -c8 -d20s -s "$OUT/plain.lua" "$URL" >/dev/null

{
	machine_line
	for round in $(seq "$ROUNDS"); do
		for connections in $LEVELS; do
			echo "== round $round: $connections connections" >&2
			measure plain "$OUT/plain.lua" "$URL" "$connections"
			measure one-tool-round "$OUT/tools.lua" "$URL" "$connections"
		done
	done
	echo "RESULT enclave rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/$ENCLAVE_PID/status) / 1024 ))"
} | tee "$RESULTS"
