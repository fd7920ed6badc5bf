#!/usr/bin/env bash
# Which of two or more builds of Enclave serves the gateway path faster, measured the way a
# change of 5-15 % can be seen on a 2-core machine shared with the load generator: single 20 s
# points there move by 10-20 % from one to the next. Each build runs as INSTANCES JVMs (its own
# embedded PostgreSQL each), all warmed up together, then measured one after another at the
# open-loop maximum, alternating builds, for ROUNDS rounds. Per measurement it prints requests/s,
# JVM CPU per request and write system calls per request (/proc/PID/io), then each build's means
# and its ratios to the first build.
#
#   VARIANTS="new= old=<commit>" bench/side-by-side.sh    # empty ref: the working tree
#   JAVA_OPTS_new_1="-Dreactor.netty.ioWorkerCount=2" ... # JVM options for one instance
#
# Results: bench/target/side-by-side.txt. Needs nginx, wrk, curl. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

VARIANTS=${VARIANTS:-"current="}
INSTANCES=${INSTANCES:-2}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-330s}
CONNECTIONS=${CONNECTIONS:-16}
OUT=$PWD/bench/target/side-by-side
RESULTS=$PWD/bench/target/side-by-side.txt
STUB_PORT=18291
NGINX_PORT=18293
mkdir -p "$OUT"
: > "$RESULTS"

# shellcheck source=bench/lib/gateway.sh
. bench/lib/gateway.sh

names=(); ports=(); jvms=(); keys=(); builds=()
port=18300
for variant in $VARIANTS; do
	build_name=${variant%%=*} ref=${variant#*=}
	echo "== building $build_name (${ref:-working tree})"
	build "$OUT/$build_name" "$ref"
	builds+=("$build_name")
	for n in $(seq "$INSTANCES"); do
		start "$build_name-$n" "$port" "$(cat "$OUT/$build_name/cp")"
		names+=("$build_name-$n"); ports+=("$port"); jvms+=("$ENCLAVE_PID"); keys+=("$KEY")
		port=$((port + 1))
	done
done

echo "== warm-up (JIT) $WARMUP, all instances at once"
warmers=()
for i in "${!names[@]}"; do
	lua "$OUT/warm-$i.lua" "${keys[$i]}" 0
	wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s "$OUT/warm-$i.lua" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" >/dev/null &
	warmers+=($!)
done
wait "${warmers[@]}"

# The order interleaves builds: first instance of each build, then the second of each, and so on.
order=()
for n in $(seq 0 $((INSTANCES - 1))); do
	for b in $(seq 0 $((${#builds[@]} - 1))); do order+=($((b * INSTANCES + n))); done
done
syscw() { awk '/^syscw/ {print $2}' "/proc/$1/io"; }
secs=${DURATION%s}
for round in $(seq "$ROUNDS"); do
	for i in "${order[@]}"; do
		lua "$OUT/run-$i.lua" "${keys[$i]}" 0
		cpu_before=$(cpu "${jvms[$i]}"); w_before=$(syscw "${jvms[$i]}")
		line=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$OUT/run-$i.lua" "http://127.0.0.1:${ports[$i]}/v1/chat/completions" | grep '^WRK')
		cpu_after=$(cpu "${jvms[$i]}"); w_after=$(syscw "${jvms[$i]}")
		rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<< "$line")
		awk -v r="$round" -v n="${names[$i]}" -v rps="$rps" -v c=$((cpu_after - cpu_before)) -v w=$((w_after - w_before)) \
			-v hz="$(getconf CLK_TCK)" -v s="$secs" -v l="${line#WRK }" \
			'BEGIN {req = rps * s; printf "RESULT round=%s instance=%s %s cpu_ms_per_req=%.3f syscw_per_req=%.2f\n", r, n, l, c * 1000 / hz / req, w / req}' \
			| tee -a "$RESULTS"
	done
done

echo "== means"
awk -v first="${builds[0]}" '
	/^RESULT round=/ {
		for (f = 1; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
		b = v["instance"]; sub(/-[0-9]+$/, "", b)
		if (!(b in n)) order[++builds] = b
		n[b]++; rps[b] += v["rps"]; cpu[b] += v["cpu_ms_per_req"]; w[b] += v["syscw_per_req"]
	}
	END {
		for (i = 1; i <= builds; i++) {
			b = order[i]
			printf "MEAN build=%s runs=%d rps=%.0f (%.2fx) cpu_ms_per_req=%.3f (%.2fx) syscw_per_req=%.2f\n", b, n[b],
				rps[b] / n[b], (rps[b] / n[b]) / (rps[first] / n[first]), cpu[b] / n[b], (cpu[b] / n[b]) / (cpu[first] / n[first]), w[b] / n[b]
		}
	}' "$RESULTS" | tee -a "$RESULTS"
for variant in $VARIANTS; do
	[ -n "${variant#*=}" ] && git worktree remove --force "$OUT/${variant%%=*}/src" >/dev/null 2>&1 || true
done
