#!/usr/bin/env bash
# What Enclave's gateway adds to a request, on loopback, in one run. Three paths to the same
# zero-latency OpenAI-compatible stub (Debian's nginx returning a fixed completion and a fixed
# SSE stream):
#   direct  the stub itself
#   nginx   nginx proxy_pass to the stub (the baseline a gateway is compared with)
#   enclave Enclave with the stub as a remote backend: API key, rate limits and token budget
#           on, usage recorded, the whole chain
# Load is wrk at fixed rates, paced by a Lua delay (wrk2 is not packaged here), and at an
# open-loop maximum. A paced connection is a closed loop: it waits for its answer, then the
# delay, so a path with latency L delivers RATE x delay/(delay+L). The fixed rates therefore
# use many connections with long delays (64 connections, 64 ms apart on average at 1,000/s),
# which keeps what is delivered near what is offered. The delays are drawn from an exponential
# distribution, so the connections' requests arrive as a Poisson stream: equal delays kept all
# connections in step, sending in bursts of 64. The load generator shares the machine's cores with what it
# measures; the report says so. CPU used by each process is read from /proc.
#
#   bench/gateway-overhead.sh                       # this checkout
#   BASELINE_REF="<commit> ..." bench/gateway-overhead.sh # also Enclave at each commit, side by side
#   PREROLL=5s IDLE=10 ...     # unmeasured load before each point; the lull before the after-idle points
#
# Results: bench/target/gateway-overhead.txt. Needs nginx, wrk, curl. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
# The JIT needs minutes: at 60 s under load C2 was still compiling ~26 methods a second and
# throughput was still rising (240 -> 750 req/s over five minutes of load on 2 cores).
WARMUP=${WARMUP:-240s}
RATES=${RATES:-"500 1000"}
CONNECTIONS=${CONNECTIONS:-16}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
PREROLL=${PREROLL:-5s}
IDLE=${IDLE:-10}
OUT=$PWD/bench/target/gateway-overhead
RESULTS=$PWD/bench/target/gateway-overhead.txt
STUB_PORT=18191
NGINX_PORT=18193
ENCLAVE_PORT=18194
BASE_PORT=18195
mkdir -p "$OUT"
: > "$RESULTS"

# shellcheck source=bench/lib/gateway.sh
. bench/lib/gateway.sh

# measure PATH_NAME URL KEY RATE PID [after-idle]: one RESULT line (RATE "max" for open loop).
# A point is the steady state: PREROLL of the same load, unmeasured, comes first, so that it
# does not measure the path's first second after it sat idle while the others were measured
# (connections opened, pools refilled, allowances taken again). With "after-idle" that first
# part is what is measured instead: the point starts after IDLE without traffic.
measure() {
	local name=$1 url=$2 key=$3 rate=$4 pid=$5 mode=${6:-steady} delay=0 connections=$CONNECTIONS before after line
	if [ "$rate" != max ]; then connections=$RATE_CONNECTIONS; delay=$(( 1000 * connections / rate )); fi
	lua "$OUT/run.lua" "$key" "$delay"
	if [ "$mode" = after-idle ]; then
		sleep "$IDLE"
	else
		wrk -t2 -c"$connections" -d"$PREROLL" -s "$OUT/run.lua" "$url" > /dev/null
	fi
	before=$(cpu "$pid")
	line=$(wrk -t2 -c"$connections" -d"$DURATION" -s "$OUT/run.lua" "$url" | grep '^WRK')
	after=$(cpu "$pid")
	local secs=${DURATION%s}
	echo "RESULT path=$name rate=$rate point=$mode ${line#WRK } cpu_pct=$(( (after - before) * 100 / $(getconf CLK_TCK) / secs ))" | tee -a "$RESULTS"
}

# ttfb NAME URL KEY: time to the first byte of a streamed answer, over 200 sequential requests:
# each on a new connection (as the first call of a client), then all on one kept-alive
# connection (as an SDK's next calls), from the start of the request.
ttfb() {
	local name=$1 url=$2 key=$3 body='{"model":"stub","stream":true,"messages":[{"role":"user","content":"hi"}]}'
	for _ in $(seq 200); do
		curl -s -o /dev/null -w '%{time_starttransfer}\n' "$url" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
			-d "$body"
	done | sort -n | awk -v name="$name" '{v[NR]=$1} END {printf "RESULT ttfb path=%s p50_ms=%.3f p90_ms=%.3f\n", name, v[int(NR*0.5)]*1000, v[int(NR*0.9)]*1000}' \
		| tee -a "$RESULTS"
	local requests=()
	for _ in $(seq 200); do requests+=(-o /dev/null -d "$body" "$url"); done
	curl -s -w '%{time_starttransfer}\n' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "${requests[@]}" \
		| sort -n | awk -v name="$name" '{v[NR]=$1} END {printf "RESULT ttfb_keepalive path=%s p50_ms=%.3f p90_ms=%.3f\n", name, v[int(NR*0.5)]*1000, v[int(NR*0.9)]*1000}' \
		| tee -a "$RESULTS"
}

# The worker does the work; the master only supervises it.
NGINX_PID=$(pgrep -P "$(cat "$OUT/nginx.pid")" | head -1)
echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc) duration=$DURATION connections=$CONNECTIONS rate_connections=$RATE_CONNECTIONS load_generator=shares_cores" | tee -a "$RESULTS"

echo "== building"
build "$OUT/current" ""
start current "$ENCLAVE_PORT" "$(cat "$OUT/current/cp")"
names=(enclave); ports=("$ENCLAVE_PORT"); jvms=("$ENCLAVE_PID"); keys=("$KEY")
port=$BASE_PORT
for ref in ${BASELINE_REF:-}; do
	build "$OUT/baseline-$ref" "$ref"
	start "baseline-$ref" "$port" "$(cat "$OUT/baseline-$ref/cp")"
	names+=("enclave@$ref"); ports+=("$port"); jvms+=("$ENCLAVE_PID"); keys+=("$KEY")
	port=$((port + 1))
done

# All instances warm up at once, so none gets a machine the others have not had.
echo "== warm-up (JIT) $WARMUP"
warmers=()
for i in "${!names[@]}"; do
	lua "$OUT/warm-$i.lua" "${keys[$i]}" 0
	wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$OUT/warm-$i.lua" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" >/dev/null &
	warmers+=($!)
done
wait "${warmers[@]}"

for rate in $RATES max; do
	measure direct "http://127.0.0.1:$STUB_PORT/v1/chat/completions" none "$rate" "$NGINX_PID"
	measure nginx "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" none "$rate" "$NGINX_PID"
	for i in "${!names[@]}"; do
		measure "${names[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" "${keys[$i]}" "$rate" "${jvms[$i]}"
	done
done
# The first 20 s at 1,000/s after IDLE seconds without traffic: what a burst after a lull meets.
for i in "${!names[@]}"; do
	measure "${names[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" "${keys[$i]}" 1000 "${jvms[$i]}" after-idle
done
ttfb direct "http://127.0.0.1:$STUB_PORT/v1/chat/completions" none
for i in "${!names[@]}"; do
	ttfb "${names[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" "${keys[$i]}"
done
for ref in ${BASELINE_REF:-}; do
	git worktree remove --force "$OUT/baseline-$ref/src" >/dev/null 2>&1 || true
done
echo "== results in $RESULTS"
