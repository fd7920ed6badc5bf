# Sourced by the benchmarks of Enclave in front of a model server (proxy.sh, tools.sh): builds
# Enclave and bench.FakeModelServer, starts both (the server answering at once, so everything
# measured is Enclave's own work), and gives the scripts what they share. Expects OUT, CHUNKS,
# UPSTREAM_PORT, ENCLAVE_PORT and PASSWORD set; EXTRA_ARGS (an array) adds Enclave arguments.

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

DATA=$OUT/front-data
rm -rf "$DATA"
BIG=1000000000
ENCLAVE_ADMIN_PASSWORD=$PASSWORD java -Xmx2g -Dai.djl.offline=true -cp "$CP" dev.enclave.EnclaveApplication \
	--server.port="$ENCLAVE_PORT" --enclave.data-dir="$DATA" \
	--enclave.inference.backends[0].name=bench \
	--enclave.inference.backends[0].base-url="http://127.0.0.1:$UPSTREAM_PORT/v1" \
	--enclave.inference.backends[0].models[0].name=bench-model \
	--enclave.inference.backends[0].max-concurrency=256 \
	--enclave.ratelimit.key.requests-per-minute=$BIG --enclave.ratelimit.key.tokens-per-minute=$BIG \
	--enclave.ratelimit.key.tokens-per-day=$BIG --enclave.ratelimit.key.concurrent-requests=1024 \
	--enclave.ratelimit.tenant.requests-per-minute=$BIG --enclave.ratelimit.tenant.tokens-per-minute=$BIG \
	--enclave.ratelimit.tenant.tokens-per-day=$BIG --enclave.ratelimit.tenant.concurrent-requests=1024 \
	"${EXTRA_ARGS[@]}" > "$OUT/enclave.log" 2>&1 &
ENCLAVE_PID=$!
pids+=($ENCLAVE_PID)

echo "== waiting for Enclave"
for _ in $(seq 180); do
	curl -sf "http://127.0.0.1:$ENCLAVE_PORT/health" >/dev/null && break
	sleep 1
done
TOKEN=$(curl -sf "http://127.0.0.1:$ENCLAVE_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

# api_key NAME SCOPES_JSON: a new API key of the administrator's tenant.
api_key() {
	curl -sf "http://127.0.0.1:$ENCLAVE_PORT/api/v1/api-keys" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"scopes\":$2}" \
		| sed -E 's/.*"key":"([^"]+)".*/\1/'
}

# wrk_script FILE KEY: a wrk script streaming one chat completion with KEY, printing a WRK line.
wrk_script() {
	cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"bench-model","stream":true,"max_tokens":$CHUNKS,"messages":[{"role":"user","content":"Where is my order?"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
}

# measure NAME SCRIPT URL CONNECTIONS: one RESULT line.
measure() {
	local line
	line=$(wrk -t"$(( $4 < 2 ? $4 : 2 ))" -c"$4" -d"$DURATION" -s "$2" "$3" | grep '^WRK')
	echo "RESULT $BENCH target=$1 connections=$4 ${line#WRK }"
}

machine_line() {
	echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc)" \
		"chunks=$CHUNKS duration=$DURATION"
}
