#!/usr/bin/env bash
# Single-stream CPU decode: Enclave's DJL engine against Jlama 0.8.4 and against the
# memory-bandwidth bound, on the same ~100M-parameter random LLaMA checkpoint, in one run.
#
#   bench/run.sh                    # F32 checkpoint, 128 tokens, 5 timed runs per engine, 2 rounds
#   DTYPE=BF16 bench/run.sh         # the same with BF16 weights
#
# Results: bench/target/results-<dtype>.txt (RESULT lines) and a summary on stdout.
# Not part of ./mvnw verify. Needs a JDK 17 (Enclave) and a JDK 21+ (Jlama), gcc for stream.c.
set -euo pipefail
cd "$(dirname "$0")/.."

DTYPE=${DTYPE:-F32}
TOKENS=${TOKENS:-128}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-2}
JDK_JLAMA=${JDK_JLAMA:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=bench/target
CHECKPOINT=$OUT/llama-100m-$DTYPE
RESULTS=$OUT/results-$DTYPE.txt
mkdir -p "$OUT"

echo "== building"
./mvnw -B -q -DskipTests compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/enclave.cp" >/dev/null
./mvnw -B -q -f bench/jlama/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/jlama.cp" >/dev/null
ENCLAVE_CP="target/classes:$(cat "$OUT/enclave.cp")"
javac -proc:none -d "$OUT/enclave-classes" -cp "$ENCLAVE_CP" bench/enclave/bench/EnclaveDecodeBench.java
"$JDK_JLAMA/bin/javac" --release 21 -d "$OUT/jlama-classes" -cp "$(cat "$OUT/jlama.cp")" \
	bench/jlama/src/main/java/bench/JlamaDecodeBench.java
gcc -O3 -march=native -fopenmp bench/stream.c -o "$OUT/stream"

# Only RESULT lines: DJL and Jlama log to the console.
enclave() {
	java -Xmx2g -Dai.djl.offline=true -cp "$OUT/enclave-classes:$ENCLAVE_CP" bench.EnclaveDecodeBench "$@" 2>/dev/null \
		| grep '^RESULT' || true
}
jlama() {
	"$JDK_JLAMA/bin/java" -Xmx2g --add-modules jdk.incubator.vector --enable-preview \
		--enable-native-access=ALL-UNNAMED -cp "$OUT/jlama-classes:$(cat "$OUT/jlama.cp")" \
		bench.JlamaDecodeBench "$@" 2>/dev/null | grep '^RESULT' || true
}

if [ ! -f "$CHECKPOINT/SHA256SUMS" ]; then
	echo "== generating $CHECKPOINT"
	rm -rf "$CHECKPOINT"
	enclave generate "$CHECKPOINT" "$DTYPE" | tee -a "$RESULTS"
fi

{
	echo "RESULT machine cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\" cores=$(nproc)" \
		"mem_gb=$(free -g | awk '/Mem:/ {print $2}') load=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" \
		"java=\"$(java -version 2>&1 | head -1)\" jlama_java=\"$("$JDK_JLAMA/bin/java" -version 2>&1 | head -1)\""
	echo "== bandwidth" >&2
	"$OUT/stream"
	enclave bandwidth
	for round in $(seq "$ROUNDS"); do
		echo "== round $round: jlama (working F32), enclave float32, enclave float16" >&2
		jlama "$CHECKPOINT" "$TOKENS" "$RUNS" "$DTYPE" F32
		enclave decode "$CHECKPOINT" "$TOKENS" "$RUNS" FLOAT32
		enclave decode "$CHECKPOINT" "$TOKENS" "$RUNS" FLOAT16
	done
	echo "RESULT done load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
} | tee "$RESULTS"

echo
echo "== summary ($DTYPE checkpoint; mean over rounds of the median decode tokens/s)"
bench/summary.sh "$RESULTS"
