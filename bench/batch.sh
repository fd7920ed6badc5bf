#!/usr/bin/env bash
# Continuous batching on the CPU: aggregate decode tokens/s and time to first token at 1, 4,
# 16 and 32 concurrent streams, Enclave's scheduler (float32 and float16) against Jlama 0.8.4
# at the same concurrency in the same run; TTFT with a shared 1,000-token system prompt with
# and without prefix reuse; milliseconds per step at batch 1 and 16.
#
#   bench/batch.sh                 # the ~100M F32 checkpoint of run.sh, 64 tokens per stream
#
# Results: bench/target/batch-results.txt (RESULT lines). Not part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."

TOKENS=${TOKENS:-64}
ROUNDS=${ROUNDS:-2}
LEVELS=${LEVELS:-"1 4 16 32"}
JDK_JLAMA=${JDK_JLAMA:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=bench/target
CHECKPOINT=$OUT/llama-100m-F32
SMALL=$OUT/llama-overhead
RESULTS=$OUT/batch-results.txt
mkdir -p "$OUT"

echo "== building"
./mvnw -B -q -DskipTests compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/enclave.cp" >/dev/null
./mvnw -B -q -f bench/jlama/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/jlama.cp" >/dev/null
ENCLAVE_CP="target/classes:$(cat "$OUT/enclave.cp")"
javac -proc:none -d "$OUT/enclave-classes" -cp "$ENCLAVE_CP" bench/enclave/bench/*.java
"$JDK_JLAMA/bin/javac" --release 21 -d "$OUT/jlama-classes" -cp "$(cat "$OUT/jlama.cp")" \
	bench/jlama/src/main/java/bench/*.java

enclave() {
	java -Xmx4g -Dai.djl.offline=true -cp "$OUT/enclave-classes:$ENCLAVE_CP" "$@" 2>/dev/null | grep '^RESULT' || true
}
jlama() {
	# Jlama 0.8.4 shares one model between concurrent generations; where that crashes, say so.
	local result
	result=$("$JDK_JLAMA/bin/java" -Xmx4g --add-modules jdk.incubator.vector --enable-preview \
		--enable-native-access=ALL-UNNAMED -XX:ErrorFile="$OUT/jlama-crash-%p.log" \
		-cp "$OUT/jlama-classes:$(cat "$OUT/jlama.cp")" bench.JlamaConcurrentBench "$@" 2>/dev/null \
		| grep '^RESULT' || true)
	echo "${result:-RESULT concurrency engine=jlama-0.8.4 streams=$2 failed=crashed}"
}

if [ ! -f "$CHECKPOINT/SHA256SUMS" ]; then
	echo "== generating $CHECKPOINT"
	rm -rf "$CHECKPOINT"
	enclave bench.EnclaveDecodeBench generate "$CHECKPOINT" F32
fi

{
	echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc)" \
		"load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
	for round in $(seq "$ROUNDS"); do
		for streams in $LEVELS; do
			echo "== round $round: $streams streams" >&2
			jlama "$CHECKPOINT" "$streams" "$TOKENS" F32
			enclave bench.EnclaveBatchBench concurrency "$CHECKPOINT" FLOAT32 "$streams" "$TOKENS"
			enclave bench.EnclaveBatchBench concurrency "$CHECKPOINT" FLOAT16 "$streams" "$TOKENS"
		done
	done
	echo "== prefix reuse" >&2
	enclave bench.EnclaveBatchBench prefix "$CHECKPOINT" FLOAT32 1000 10
	echo "== per-step overhead" >&2
	enclave bench.EnclaveBatchBench overhead "$CHECKPOINT" FLOAT32
	echo "RESULT done load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
} | tee "$RESULTS"
