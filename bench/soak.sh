#!/usr/bin/env bash
# A soak: the embedded Enclave (its own PostgreSQL, the demo model) under steady moderate load
# for SOAK (10 minutes by default): the Gatling shift of bench/load.sh (agents on the console,
# an app on the OpenAI API), lighter by default. Every INTERVAL seconds it records, into
# bench/target/soak.csv:
#   heap_used_mb   jvm_memory_used_bytes{area="heap"} summed (noisy: it saws with every GC)
#   heap_live_mb   jvm_gc_live_data_size_bytes: the old generation after a collection that
#                  reclaimed it (0 until such a collection happened)
#   rss_mb         VmRSS of Enclave's JVM (/proc/<pid>/status)
#   threads_live   jvm_threads_live_threads; threads_os: Threads of /proc/<pid>/status
#   db_procs       the embedded PostgreSQL's processes (postmaster, backends, workers): a
#                  connection leak shows here
# The metrics come from /actuator/prometheus, the only actuator endpoint exposed besides health.
# Then it compares the mean of the last third of the samples with the middle third (the first
# third is warm-up: JIT, pools, caches) and prints
#   RESULT soak heap_mid_mb=.. heap_last_mb=.. rss_mid_mb=.. rss_last_mb=.. threads_mid=.. threads_last=.. heap=live|used verdict=level|growing
# growing when RSS or live threads grew by more than 10 %; the heap is reported, not judged
# (heap= says which heap column: live when the live-data metric was set in both thirds, else used).
#
#   bench/soak.sh                     # 10 minutes, 6 agents, 1 API request/s
#   SOAK=30m AGENTS=10 API_RATE=2 bench/soak.sh
#
# Results: bench/target/soak.csv and bench/target/soak.txt (also the per-request RESULT lines
# of the load, label soak_load). Needs a JDK 17 and curl. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK=${SOAK:-10m}
INTERVAL=${INTERVAL:-10}
AGENTS=${AGENTS:-6}
API_RATE=${API_RATE:-1}
MAX_TOKENS=${MAX_TOKENS:-16}
PORT=${PORT:-18201}
OUT=$PWD/bench/target/soak
CSV=$PWD/bench/target/soak.csv
RESULTS=$PWD/bench/target/soak.txt

case $SOAK in
	*h) SOAK_S=$(( ${SOAK%h} * 3600 )) ;;
	*m) SOAK_S=$(( ${SOAK%m} * 60 )) ;;
	*s) SOAK_S=${SOAK%s} ;;
	*) SOAK_S=$SOAK ;;
esac

# shellcheck source=bench/lib/shift.sh
. bench/lib/shift.sh

# db_procs: the embedded PostgreSQL's processes. pg_ctl detaches its postmaster from the JVM, so
# it is found by its data directory (under DATA), and its backends as its children.
db_procs() {
	ps -e -o pid=,ppid=,args= | awk -v data="$DATA/" '$3 ~ /\/postgres$/ && index($0, data) {postmaster[$1] = 1}
		{parent[$1] = $2}
		END {for (p in parent) if ((p in postmaster) || (parent[p] in postmaster)) n++; print n + 0}'
}

# sample T: one CSV row, T seconds into the load.
sample() {
	local metrics heap status children
	metrics=$(curl -sf "$BASE_URL/actuator/prometheus" || true)
	heap=$(awk '/^jvm_memory_used_bytes\{.*area="heap"/ {u += $NF} /^jvm_gc_live_data_size_bytes/ {l += $NF}
		END {printf "%.1f,%.1f", u / 1048576, l / 1048576}' <<< "$metrics")
	status=$(awk -v live="$(awk '/^jvm_threads_live_threads/ {print $NF; exit}' <<< "$metrics")" \
		'/^VmRSS/ {rss = $2} /^Threads/ {threads = $2} END {printf "%.1f,%s,%s", rss / 1024, live, threads}' \
		"/proc/$ENCLAVE_PID/status")
	children=$(db_procs)
	echo "$1,$heap,$status,$children" >> "$CSV"
}

echo "== soak for $SOAK, a sample every $INTERVAL s into $CSV"
echo "t_s,heap_used_mb,heap_live_mb,rss_mb,threads_live,threads_os,db_procs" > "$CSV"
gatling_command "$SOAK"
"${GATLING_CMD[@]}" > "$OUT/gatling.log" 2>&1 &
GATLING_PID=$!
pids+=("$GATLING_PID")
start=$(date +%s)
for (( t = 0; t <= SOAK_S; t += INTERVAL )); do
	delay=$(( start + t - $(date +%s) ))
	[ "$delay" -gt 0 ] && sleep "$delay"
	kill -0 "$GATLING_PID" 2>/dev/null || break
	sample "$t"
done
wait "$GATLING_PID" || { echo "Gatling failed; see $OUT/gatling.log"; exit 1; }

{
	echo "$(machine_line) duration=$SOAK interval_s=$INTERVAL"
	awk -F, 'NR > 1 {n++; used[n] = $2; live[n] = $3; rss[n] = $4; thr[n] = $5}
	function mean(a, from, to,   i, s) {s = 0; for (i = from; i <= to; i++) s += a[i]; return s / (to - from + 1)}
	END {
		if (n < 3) {print "RESULT soak samples=" n " verdict=unknown (fewer than 3 samples)"; exit}
		# the middle third is rows m1..m2, the last third m2+1..n
		m1 = int(n / 3) + 1; m2 = int(2 * n / 3)
		heap = "live"; hm = mean(live, m1, m2); hl = mean(live, m2 + 1, n)
		for (i = m1; i <= n; i++) if (live[i] == 0) heap = "used"
		if (heap == "used") {hm = mean(used, m1, m2); hl = mean(used, m2 + 1, n)}
		rm = mean(rss, m1, m2); rl = mean(rss, m2 + 1, n); tm = mean(thr, m1, m2); tl = mean(thr, m2 + 1, n)
		verdict = (rl > 1.1 * rm || tl > 1.1 * tm) ? "growing" : "level"
		printf "RESULT soak heap_mid_mb=%.1f heap_last_mb=%.1f rss_mid_mb=%.1f rss_last_mb=%.1f threads_mid=%.1f threads_last=%.1f heap=%s samples=%d verdict=%s\n",
			hm, hl, rm, rl, tm, tl, heap, n, verdict
	}' "$CSV"
} > "$RESULTS"
summarize soak_load "$RESULTS" >/dev/null
cat "$RESULTS"
echo "== results in $RESULTS and $CSV, report in $(report_dir)index.html"
