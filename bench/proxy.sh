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
DATA=$OUT/proxy-data
RESULTS=$OUT/proxy-results.txt
UPSTREAM_PORT=18090
ENCLAVE_PORT=18080
PASSWORD=bench-admin-password-1
mkdir -p "$OUT"

echo "== building"
./mvnw -B -q -DskipTests compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/enclave.cp" >/dev/null
CP="target/classes:$(cat "$OUT/enclave.cp")"
javac -proc:none -d "$OUT/enclave-classes" -cp "$CP" bench/enclave/bench/*.java

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

java -Xmx512m -cp "$OUT/enclave-classes:$CP" bench.FakeModelServer "$UPSTREAM_PORT" "$CHUNKS" > "$OUT/upstream.log" 2>&1 &
pids+=($!)

rm -rf "$DATA"
BIG=1000000000
ENCLAVE_ADMIN_PASSWORD=$PASSWORD java -Xmx2g -Dai.djl.offline=true -cp "$CP" dev.enclave.EnclaveApplication \
	--server.port=$ENCLAVE_PORT --enclave.data-dir="$DATA" \
	--enclave.inference.backends[0].name=bench \
	--enclave.inference.backends[0].base-url=http://127.0.0.1:$UPSTREAM_PORT/v1 \
	--enclave.inference.backends[0].models[0].name=bench-model \
	--enclave.inference.backends[0].max-concurrency=256 \
	--enclave.ratelimit.key.requests-per-minute=$BIG --enclave.ratelimit.key.tokens-per-minute=$BIG \
	--enclave.ratelimit.key.tokens-per-day=$BIG --enclave.ratelimit.key.concurrent-requests=1024 \
	--enclave.ratelimit.tenant.requests-per-minute=$BIG --enclave.ratelimit.tenant.tokens-per-minute=$BIG \
	--enclave.ratelimit.tenant.tokens-per-day=$BIG --enclave.ratelimit.tenant.concurrent-requests=1024 \
	> "$OUT/enclave.log" 2>&1 &
ENCLAVE_PID=$!
pids+=($ENCLAVE_PID)

echo "== waiting for Enclave"
for _ in $(seq 180); do
	curl -sf "http://127.0.0.1:$ENCLAVE_PORT/health" >/dev/null && break
	sleep 1
done
TOKEN=$(curl -sf "http://127.0.0.1:$ENCLAVE_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
KEY=$(curl -sf "http://127.0.0.1:$ENCLAVE_PORT/api/v1/api-keys" -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' -d '{"name":"bench","scopes":["chat"]}' \
	| sed -E 's/.*"key":"([^"]+)".*/\1/')

cat > "$OUT/chat.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"bench-model","stream":true,"max_tokens":$CHUNKS,"messages":[{"role":"user","content":"Where is my order?"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

# One request each way, checked, before measuring anything.
curl -sf -N "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" -H "Authorization: Bearer $KEY" \
	-H 'Content-Type: application/json' \
	-d "{\"model\":\"bench-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
	| grep -q '\[DONE\]' || { echo "Enclave did not stream a completion"; exit 1; }

measure() { # target url connections
	local line
	line=$(wrk -t"$(( $3 < 2 ? $3 : 2 ))" -c"$3" -d"$DURATION" -s "$OUT/chat.lua" "$2" | grep '^WRK')
	echo "RESULT proxy target=$1 connections=$3 ${line#WRK }"
}

# On 2 cores the JIT needs more than a minute of this load before Enclave's numbers settle
# (measured: c=1 p50 30 ms after 20 s of warm-up, 6 ms after 80 s).
echo "== warm-up (JIT)"
wrk -t2 -c8 -d"${WARMUP:-90s}" -s "$OUT/chat.lua" "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" >/dev/null
wrk -t2 -c8 -d5s -s "$OUT/chat.lua" "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" >/dev/null

{
	echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc)" \
		"chunks=$CHUNKS duration=$DURATION"
	for round in $(seq "$ROUNDS"); do
		for connections in $LEVELS; do
			echo "== round $round: $connections connections" >&2
			measure direct "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" "$connections"
			measure enclave "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" "$connections"
		done
	done
	if [ "${PROFILE:-0}" = 1 ]; then
		jcmd "$ENCLAVE_PID" JFR.start name=proxy settings=profile filename="$PWD/$OUT/proxy.jfr" >/dev/null
		measure enclave-profiled "http://127.0.0.1:$ENCLAVE_PORT/v1/chat/completions" 32
		jcmd "$ENCLAVE_PID" JFR.stop name=proxy >/dev/null
	fi
	echo "RESULT enclave rss_mb=$(( $(awk '/VmRSS/ {print $2}' /proc/$ENCLAVE_PID/status) / 1024 ))"
} | tee "$RESULTS"
