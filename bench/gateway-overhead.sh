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
OUT=$PWD/bench/target/gateway-overhead
RESULTS=$PWD/bench/target/gateway-overhead.txt
STUB_PORT=18191
NGINX_PORT=18193
ENCLAVE_PORT=18194
BASE_PORT=18195
PASSWORD=bench-admin-password-1
mkdir -p "$OUT"
: > "$RESULTS"

command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install nginx wrk)"; exit 1; }

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	[ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT

SSE='data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1795410000,"model":"stub","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\ndata: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1795410000,"model":"stub","choices":[{"index":0,"delta":{"content":"Your order ships tomorrow."},"finish_reason":null}]}\n\ndata: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1795410000,"model":"stub","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}\n\ndata: [DONE]\n\n'

cat > "$OUT/nginx.conf" <<NGINX
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	upstream stub { server 127.0.0.1:$STUB_PORT; keepalive 64; }
	server {
		listen 127.0.0.1:$STUB_PORT;
		location = /v1/models { default_type application/json; return 200 '{"object":"list","data":[{"id":"stub","object":"model"}]}'; }
		location = /v1/chat/completions { default_type text/event-stream; return 200 '$SSE'; }
	}
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location / { proxy_pass http://stub; proxy_http_version 1.1; proxy_set_header Connection ""; }
	}
}
NGINX
nginx -c "$OUT/nginx.conf"

# build DIR REF: Enclave's classpath for REF (the working tree when REF is empty), in DIR/cp.
build() {
	local dir=$1 ref=$2 src=$PWD
	if [ -n "$ref" ]; then
		rm -rf "$dir/src" && git worktree add -f --detach "$dir/src" "$ref" >/dev/null
		src=$dir/src
	fi
	(cd "$src" && ./mvnw -B -q -o -DskipTests -Dconsole.skip=true compile \
		&& ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$dir/deps.cp" >/dev/null)
	echo "$src/target/classes:$(cat "$dir/deps.cp")" > "$dir/cp"
}

# start NAME PORT CP: Enclave with the stub as its backend; sets ENCLAVE_PID and KEY.
BIG=1000000000
start() {
	local name=$1 port=$2 cp=$3 data=$OUT/$1-data
	rm -rf "$data"
	ENCLAVE_ADMIN_PASSWORD=$PASSWORD java -Xmx1g -Dai.djl.offline=true -cp "$cp" dev.enclave.EnclaveApplication \
		--server.port="$port" --enclave.data-dir="$data" \
		--enclave.inference.backends[0].name=stub --enclave.inference.backends[0].base-url="http://127.0.0.1:$STUB_PORT/v1" \
		--enclave.inference.backends[0].models[0].name=stub --enclave.inference.backends[0].max-concurrency=512 \
		--enclave.ratelimit.key.requests-per-minute=$BIG --enclave.ratelimit.key.tokens-per-minute=$BIG \
		--enclave.ratelimit.key.tokens-per-day=$BIG --enclave.ratelimit.key.concurrent-requests=4096 \
		--enclave.ratelimit.tenant.requests-per-minute=$BIG --enclave.ratelimit.tenant.tokens-per-minute=$BIG \
		--enclave.ratelimit.tenant.tokens-per-day=$BIG --enclave.ratelimit.tenant.concurrent-requests=4096 \
		--logging.level.enclave.access=WARN > "$OUT/$name.log" 2>&1 &
	ENCLAVE_PID=$!
	pids+=("$ENCLAVE_PID")
	for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
	local token
	token=$(curl -sf "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
		-d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
	KEY=$(curl -sf "http://127.0.0.1:$port/api/v1/api-keys" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' -d '{"name":"bench","scopes":["chat"]}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
	curl -sf "http://127.0.0.1:$port/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
		-d '{"model":"stub","stream":true,"messages":[{"role":"user","content":"hi"}]}' | grep -q 'ships tomorrow' \
		|| { echo "$name did not answer through the stub"; exit 1; }
}

# lua FILE KEY DELAY_MS: a wrk script posting one chat completion, paced by DELAY_MS per connection.
lua() {
	cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"stub","stream":true,"max_tokens":16,"messages":[{"role":"user","content":"Where is my order?"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(os.time() * 100 + id) end
-- Exponential think time with mean $3 ms: Poisson arrivals, not connections in step.
function delay() return -$3 * math.log(1 - math.random()) end
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
}

# cpu PID: user+system clock ticks of a process so far, with its reaped children's (an
# embedded PostgreSQL's backends are children of Enclave's JVM, but live ones are not counted:
# the report says CPU of the JVM alone).
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure PATH_NAME URL KEY RATE PID: one RESULT line (RATE "max" for open loop).
measure() {
	local name=$1 url=$2 key=$3 rate=$4 pid=$5 delay=0 connections=$CONNECTIONS before after line
	if [ "$rate" != max ]; then connections=$RATE_CONNECTIONS; delay=$(( 1000 * connections / rate )); fi
	lua "$OUT/run.lua" "$key" "$delay"
	before=$(cpu "$pid")
	line=$(wrk -t2 -c"$connections" -d"$DURATION" -s "$OUT/run.lua" "$url" | grep '^WRK')
	after=$(cpu "$pid")
	local secs=${DURATION%s}
	echo "RESULT path=$name rate=$rate ${line#WRK } cpu_pct=$(( (after - before) * 100 / $(getconf CLK_TCK) / secs ))" | tee -a "$RESULTS"
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
ttfb direct "http://127.0.0.1:$STUB_PORT/v1/chat/completions" none
for i in "${!names[@]}"; do
	ttfb "${names[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" "${keys[$i]}"
done
for ref in ${BASELINE_REF:-}; do
	git worktree remove --force "$OUT/baseline-$ref/src" >/dev/null 2>&1 || true
done
echo "== results in $RESULTS"
