package dev.enclave.inference.internal.generation;

import java.util.List;
import java.util.Set;

/**
 * One generation: the prompt as tokens and when to stop.
 *
 * @param prompt the rendered, tokenised conversation
 * @param maxTokens most tokens to generate
 * @param sampling how to choose each token
 * @param stopTokens ids that end the answer (not part of it)
 * @param stopStrings texts that end the answer (not part of it)
 */
public record GenerationRequest(int[] prompt, int maxTokens, SamplingParams sampling, Set<Integer> stopTokens,
		List<String> stopStrings) {

	public GenerationRequest {
		if (prompt.length == 0) {
			throw new IllegalArgumentException("the prompt is empty");
		}
		if (maxTokens < 1) {
			throw new IllegalArgumentException("max_tokens must be at least 1");
		}
		stopTokens = Set.copyOf(stopTokens);
		stopStrings = List.copyOf(stopStrings);
	}

}
