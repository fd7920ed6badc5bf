#!/usr/bin/env bash
# Where the gateway's p99 goes: the same path as gateway-overhead.sh (Enclave in front of the
# zero-latency stub, API key, limits on, usage recorded), one instance, and two questions.
#   1. Does the tail grow with the load? Alternating 30 s points at 250/s and 1,000/s after the
#      warm-up: a tail made by queueing behind requests grows with the rate; one made by stalls
#      of the machine (a fraction of the time, whatever the rate) does not.
#   2. What kept the event loops from running? `perf sched` records every context switch for
#      10 s at 1,000/s. For each time a server event loop was ready but waited more than 1 ms
#      (and 3 ms) for a CPU, it sums what ran on that CPU meanwhile; and it lists each task's
#      longest uninterrupted run (a kernel thread that runs 9 ms holds its CPU for 9 ms here:
#      the kernel is built without preemption).
#
#   bench/where-p99-goes.sh              # this checkout
#   WARMUP=150s POINTS=2 bench/where-p99-goes.sh
#
# Results: bench/target/where-p99-goes.txt. Needs nginx, wrk, curl, perf (linux-perf) and
# python3; perf needs root or kernel.perf_event_paranoid <= 0. Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-150s}
POINTS=${POINTS:-2}
CONNECTIONS=64
OUT=$PWD/bench/target/where-p99-goes
RESULTS=$PWD/bench/target/where-p99-goes.txt
STUB_PORT=18391
NGINX_PORT=18393
PORT=18394
mkdir -p "$OUT"
: > "$RESULTS"
command -v perf >/dev/null && command -v python3 >/dev/null || { echo "needs perf and python3 (apt-get install linux-perf python3)"; exit 1; }

# shellcheck source=bench/lib/gateway.sh
. bench/lib/gateway.sh

build "$OUT/b" ""
start enclave "$PORT" "$(cat "$OUT/b/cp")"
url="http://127.0.0.1:$PORT/v1/chat/completions"
# delay per connection = connections / rate
lua "$OUT/r1000.lua" "$KEY" $((1000 * CONNECTIONS / 1000))
lua "$OUT/r250.lua" "$KEY" $((1000 * CONNECTIONS / 250))
echo "== warming up at 1,000/s for $WARMUP"
wrk -t2 -c$CONNECTIONS -d"$WARMUP" -s "$OUT/r1000.lua" "$url" > /dev/null

echo "== the tail at 250/s and 1,000/s, alternating"
for point in $(seq "$POINTS"); do
	for rate in 250 1000; do
		line=$(wrk -t2 -c$CONNECTIONS -d30s -s "$OUT/r$rate.lua" "$url" | grep '^WRK')
		echo "RESULT point=$point rate=$rate ${line#WRK }" | tee -a "$RESULTS"
	done
done

echo "== perf sched, 10 s in the middle of a 30 s point at 1,000/s"
( sleep 10; perf sched record -a -o "$OUT/sched.data" -- sleep 10 > /dev/null 2>&1 ) &
recorder=$!
line=$(wrk -t2 -c$CONNECTIONS -d30s -s "$OUT/r1000.lua" "$url" | grep '^WRK')
wait "$recorder"
echo "RESULT point=perf rate=1000 ${line#WRK }" | tee -a "$RESULTS"
perf sched timehist -i "$OUT/sched.data" 2> /dev/null > "$OUT/timehist.txt"

python3 - "$OUT/timehist.txt" <<'PY' | tee -a "$RESULTS"
import collections, re, sys
# perf sched timehist: time [cpu] task wait-ms sched-delay-ms run-ms (the time is when the run ended)
runs = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) < 6 or not p[1].startswith('['):
        continue
    try:
        t, cpu = float(p[0]), int(p[1][1:-1])
        delay, run = float(p[-2]), float(p[-1])
    except ValueError:
        continue
    runs.append((t, cpu, re.sub(r'\[.*', '', ' '.join(p[2:-3])), delay, run))
loop = lambda name: name.startswith('reactor-http-ep')
by_cpu = collections.defaultdict(list)
longest = collections.Counter(); cpu_ms = collections.Counter()
for t, cpu, name, delay, run in runs:
    by_cpu[cpu].append((t - run / 1000, t, name))
    longest[name] = max(longest[name], run); cpu_ms[name] += run
span = (runs[-1][0] - runs[0][0]) if runs else 0
loop_runs = [r for r in runs if loop(r[2])]
print(f'RESULT sched seconds={span:.1f} loop_runs={len(loop_runs)} loop_cpu_ms={sum(r[4] for r in loop_runs):.0f} '
      f'loop_runs_over_1ms={sum(r[4] > 1 for r in loop_runs)} loop_runs_over_2ms={sum(r[4] > 2 for r in loop_runs)}')
for threshold in (1.0, 3.0):
    waited = [r for r in loop_runs if r[3] > threshold]
    blame = collections.Counter()
    for t, cpu, name, delay, run in waited:
        start, end = t - run / 1000 - delay / 1000, t - run / 1000
        for s, e, other in by_cpu[cpu]:
            overlap = min(e, end) - max(s, start)
            if overlap > 0:
                blame[other] += overlap * 1000
    total = sum(r[3] for r in waited)
    print(f'RESULT loop_waits over_ms={threshold:g} count={len(waited)} waited_ms={total:.1f}')
    for name, ms in blame.most_common(8):
        print(f'RESULT loop_waits over_ms={threshold:g} ran_instead="{name}" ms={ms:.1f} share={ms / max(total, 1e-9):.2f}')
for name, ms in sorted(longest.items(), key=lambda kv: -kv[1])[:12]:
    if name != '<idle>':
        print(f'RESULT longest_run task="{name}" ms={ms:.2f} cpu_ms={cpu_ms[name]:.1f}')
PY
echo "== results in $RESULTS"
