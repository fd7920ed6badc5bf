#!/usr/bin/env bash
# Summarises a results file of run.sh: bandwidth bound, tokens/s per engine, ratios.
#   bench/summary.sh bench/target/results-F32.txt
set -euo pipefail
awk '
	/RESULT bandwidth/ { for (i = 1; i <= NF; i++) if ($i ~ /^read_gbps=/) { split($i, a, "="); if (a[2] + 0 > bw) bw = a[2] + 0 } }
	/RESULT decode engine=enclave/ && /dtype=float32/ {
		for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "weight_bytes_per_token") bytes4 = a[2] }
	}
	/RESULT decode/ {
		name = ""; rate = 0; width = 4
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			if (a[1] == "engine") name = a[2]
			if (a[1] == "weights" || a[1] == "dtype") { name = name "/" a[2]; if (a[2] ~ /16/) width = 2 }
			if (a[1] == "median_tps") rate = a[2]
		}
		sum[name] += rate; n[name]++; bytes[name] = width
	}
	END {
		printf "memory read bandwidth %.1f GB/s (best measured); weights read per token: %.0f MB at 4 bytes, %.0f MB at 2 bytes\n", bw, bytes4 / 1e6, bytes4 / 2e6
		printf "bandwidth bound: %.1f tokens/s at 4 bytes per weight, %.1f tokens/s at 2\n", bw * 1e9 / bytes4, bw * 2e9 / bytes4
		for (e in sum) {
			t = sum[e] / n[e]; bound = bw * 1e9 / (bytes4 * bytes[e] / 4)
			printf "%-28s %7.2f tokens/s  %.2f of its bandwidth bound\n", e, t, t / bound; speed[e] = t
		}
		for (e in speed) if (e ~ /^jlama/) for (m in speed) if (m ~ /^enclave/) printf "%s / %s = %.2f\n", m, e, speed[m] / speed[e]
	}' "$1"
