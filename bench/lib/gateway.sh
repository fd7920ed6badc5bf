# Sourced by the benchmarks of Enclave's gateway against a zero-latency stub
# (gateway-overhead.sh, side-by-side.sh): starts Debian's nginx as the stub, which returns a fixed
# completion and a fixed SSE stream (and proxies to itself for the nginx baseline), builds Enclave
# at a commit, starts it with the stub as its backend and limits out of the way, and writes the
# wrk script. Expects OUT, STUB_PORT and NGINX_PORT set.

command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install nginx wrk)"; exit 1; }
PASSWORD=bench-admin-password-1
mkdir -p "$OUT"

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
# The JVM's collector and heap as the Helm chart runs the gateway (gateway.javaToolOptions: the
# heap its full size from the start); every build measured gets the same. GATEWAY_JVM="" gives
# the JVM's defaults (G1, a small starting heap).
GATEWAY_JVM=${GATEWAY_JVM-"-XX:+UseParallelGC -Xms1g"}
start() {
	local name=$1 port=$2 cp=$3 data=$OUT/$1-data
	rm -rf "$data"
	# JAVA_OPTS_<NAME> (the name with - and @ as _) adds JVM options to one instance, for experiments.
	local opts_var="JAVA_OPTS_${name//[-@.]/_}"
	# shellcheck disable=SC2086
	ENCLAVE_ADMIN_PASSWORD=$PASSWORD java -Xmx1g $GATEWAY_JVM -Dai.djl.offline=true ${!opts_var:-} -cp "$cp" dev.enclave.EnclaveApplication \
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
# It prints one WRK line: rps, p50, p99 and errors, then p90, p99.9 and the longest request.
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
  io.write(string.format("WRK rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d p90_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    latency:percentile(90) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
LUA
}

# cpu PID: user+system clock ticks of a process so far, with its reaped children's (an
# embedded PostgreSQL's backends are children of Enclave's JVM, but live ones are not counted:
# the report says CPU of the JVM alone).
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

