# Sourced by load.sh and soak.sh: builds Enclave and the Gatling project (bench/load), starts
# Enclave embedded (its own PostgreSQL, the demo model) on loopback with rate limits out of the
# way, creates AGENTS agent accounts and an API key, and defines what runs Gatling and reads its
# report. Expects OUT (a folder of its own: the data directory goes there and is wiped), PORT,
# AGENTS, API_RATE and MAX_TOKENS; sets ENCLAVE_PID, BASE_URL, DATA, GATLING_CP, AGENTS_FILE and
# exports ENCLAVE_BENCH_API_KEY. Never prints a password, a token or the key.

PASSWORD=bench-admin-password-1
BASE_URL=http://127.0.0.1:$PORT
mkdir -p "$OUT"

pids=()
cleanup() {
	# Enclave stops its embedded PostgreSQL on the way out, so it gets TERM and time, not KILL.
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

echo "== building"
# -Dconsole.skip: the console's npm build is not needed here (-Dexec.skip does not skip it: the
# pom sets the exec plugin's skip from console.skip).
./mvnw -B -q -o -DskipTests -Dconsole.skip=true compile
./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/enclave.cp" >/dev/null
ENCLAVE_CP="$PWD/target/classes:$(cat "$OUT/enclave.cp")"
# Offline first (what this machine's other builds use); online once, to fetch Gatling the first time.
load_build() { ./mvnw -B -q "$@" -f bench/load/pom.xml compile dependency:build-classpath -Dmdep.outputFile="$OUT/gatling.cp" >/dev/null; }
load_build -o || load_build
GATLING_CP="$PWD/bench/load/target/classes:$(cat "$OUT/gatling.cp")"

echo "== starting Enclave on $BASE_URL"
DATA=$OUT/data
rm -rf "$DATA"
BIG=1000000000
limits=()
for scope in key user tenant; do
	limits+=("--enclave.ratelimit.$scope.requests-per-minute=$BIG" "--enclave.ratelimit.$scope.tokens-per-minute=$BIG"
		"--enclave.ratelimit.$scope.tokens-per-day=$BIG" "--enclave.ratelimit.$scope.concurrent-requests=4096")
done
ENCLAVE_ADMIN_PASSWORD=$PASSWORD java -Xmx1g -Dai.djl.offline=true -cp "$ENCLAVE_CP" dev.enclave.EnclaveApplication \
	--server.address=127.0.0.1 --server.port="$PORT" --enclave.data-dir="$DATA" "${limits[@]}" \
	--logging.level.enclave.access=WARN > "$OUT/enclave.log" 2>&1 &
ENCLAVE_PID=$!
pids+=("$ENCLAVE_PID")
for _ in $(seq 240); do
	curl -sf "$BASE_URL/health" >/dev/null && break
	kill -0 "$ENCLAVE_PID" 2>/dev/null || { echo "Enclave exited; see $OUT/enclave.log"; exit 1; }
	sleep 1
done
curl -sf "$BASE_URL/health" >/dev/null || { echo "Enclave not ready after 240 s; see $OUT/enclave.log"; exit 1; }

# post PATH TOKEN BODY: the JSON answer of an authenticated POST; fails on any non-2xx.
post() { curl -sf "$BASE_URL$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
# field NAME: a string field of the JSON on stdin (no jq needed).
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }

ADMIN_TOKEN=$(curl -sf "$BASE_URL/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" | field access_token)

# The agents sign in with passwords of this run only; the file is Gatling's feeder.
echo "== creating $AGENTS agents and an API key"
AGENTS_FILE=$OUT/agents.csv
(umask 077 && echo "username,password" > "$AGENTS_FILE")
for i in $(seq -f '%02g' "$AGENTS"); do
	password="agent-$i-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	post /api/v1/users "$ADMIN_TOKEN" "{\"username\":\"agent-$i\",\"password\":\"$password\",\"roles\":[\"AGENT\"]}" >/dev/null \
		|| { echo "could not create agent-$i"; exit 1; }
	echo "agent-$i,$password" >> "$AGENTS_FILE"
done
ENCLAVE_BENCH_API_KEY=$(post /api/v1/api-keys "$ADMIN_TOKEN" '{"name":"bench-load","scopes":["chat"]}' | field key)
export ENCLAVE_BENCH_API_KEY
post /v1/chat/completions "$ENCLAVE_BENCH_API_KEY" \
	"{\"model\":\"demo\",\"max_tokens\":$MAX_TOKENS,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
	| grep -q '"finish_reason"' || { echo "the demo model did not answer; see $OUT/enclave.log"; exit 1; }

# gatling_command DURATION: sets GATLING_CMD, the simulation against this Enclave (an array, so
# that a script can run it in the background and have its pid, the JVM's own).
gatling_command() {
	rm -rf "$OUT/gatling"
	# --add-opens: Gatling 3.13's log writer reads String internals (its Maven plugin adds the same).
	GATLING_CMD=(java -Xmx512m --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$GATLING_CP"
		-DbaseUrl="$BASE_URL" -Dduration="$1" -Dagents="$AGENTS" -DapiRate="$API_RATE" -DmaxTokens="$MAX_TOKENS"
		-DagentsFile="$AGENTS_FILE" io.gatling.app.Gatling -s bench.AgentShiftSimulation -rf "$OUT/gatling")
}

# report_dir: the folder of the last run's report.
report_dir() { ls -td "$OUT"/gatling/*/ | head -1; }

# summarize LABEL FILE: one RESULT line per request name of the last run, appended to FILE.
summarize() { java -cp "$GATLING_CP" bench.Summary "$1" "$(report_dir)" "$2"; }

machine_line() {
	echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc)" \
		"agents=$AGENTS api_rate=$API_RATE max_tokens=$MAX_TOKENS model=demo load_generator=shares_cores"
}
