package dev.enclave.inference.internal.generation;

import org.jspecify.annotations.Nullable;

/**
 * How the next token is chosen.
 *
 * @param temperature 0 for greedy decoding, otherwise the softmax temperature
 * @param topK keep only the k most likely tokens; 0 keeps all
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1
 * keeps all
 * @param seed makes sampling reproducible; null draws a fresh seed
 */
public record SamplingParams(double temperature, int topK, double topP, @Nullable Long seed) {

	public static final SamplingParams GREEDY = new SamplingParams(0, 0, 1, null);

	public SamplingParams {
		if (temperature < 0 || Double.isNaN(temperature)) {
			throw new IllegalArgumentException("temperature must be at least 0");
		}
		if (topK < 0) {
			throw new IllegalArgumentException("top_k must be at least 0");
		}
		if (!(topP > 0 && topP <= 1)) {
			throw new IllegalArgumentException("top_p must be in (0, 1]");
		}
	}

	public boolean greedy() {
		return this.temperature == 0 || this.topK == 1;
	}

}
