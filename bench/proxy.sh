#!/usr/bin/env bash
# What Enclave costs in front of a model server: streamed chat completions through Enclave
# (API key, rate limits, token budget, routing, breaker, SSE passthrough, usage) against the
# same requests sent to the model server directly, at 1, 8 and 32 connections. The model
# server (bench/enclave/bench/FakeModelServer.java) answers at once with 64 chunks, so every
# millisecond measured is HTTP and Enclave's own work, never a model's.
#
#   bench/proxy.sh                  # PROFILE=1 also records a JFR of Enclave at 32 connections
#
# Results: bench/target/proxy-results.txt (RESULT lines). Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
LEVELS=${LEVELS:-"1 8 32"}
ROUNDS=${ROUNDS:-2}
CHUNKS=${CHUNKS:-64}
OUT=bench/target
RESULTS=$OUT/proxy-results.txt
UPSTREAM_PORT=18090
ENCLAVE_PORT=18080
PASSWORD=bench-admin-password-1
mkdir -p "$OUT"

BENCH=proxy
EXTRA_ARGS=()
# shellcheck source=bench/lib/front.sh
. bench/lib/front.sh
KEY=$(api_key bench '["chat"]')
wrk_script "$OUT/chat.lua" "$KEY"

# One request each way, checked, before measuring anything.
curl -sf -N "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" -H "Authorization: Bearer $KEY" \
	-H 'Content-Type: application/json' \
	-d "{\"model\":\"bench-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
	| grep -q '\[DONE\]' || { echo "Enclave did not stream a completion"; exit 1; }

# On 2 cores the JIT needs more than a minute of this load before Enclave's numbers settle
# (measured: c=1 p50 30 ms after 20 s of warm-up, 6 ms after 80 s).
echo "== warm-up (JIT)"
wrk -t2 -c8 -d"${WARMUP:-90s}" -s "$OUT/chat.lua" "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" >/dev/null
wrk -t2 -c8 -d5s -s "$OUT/chat.lua" "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" >/dev/null

{
	machine_line
	for round in $(seq "$ROUNDS"); do
		for connections in $LEVELS; do
			echo "== round $round: $connections connections" >&2
			measure direct "$OUT/chat.lua" "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" "$connections"
			measure enclave "$OUT/chat.lua" "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" "$connections"
		done
	done
	if [ "${PROFILE:-0}" = 1 ]; then
		jcmd "$ENCLAVE_PID" JFR.start name=proxy settings=profile filename="$PWD/$OUT/proxy.jfr" >/dev/null
		measure enclave-profiled "$OUT/chat.lua" "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" 32
		jcmd "$ENCLAVE_PID" JFR.stop name=proxy >/dev/null
	fi
	echo "RESULT enclave rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/$ENCLAVE_PID/status) / 1024 ))"
} | tee "$RESULTS"
