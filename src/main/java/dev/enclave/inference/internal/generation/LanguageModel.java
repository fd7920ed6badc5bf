package dev.enclave.inference.internal.generation;

/**
 * A causal language model seen from generation: feed tokens, get the scores of the next
 * one. Each sequence keeps its own state (the KV cache), which is never shared between
 * requests, so no tenant ever sees another's context.
 */
public interface LanguageModel {

	/** Length of every logits vector. */
	int vocabSize();

	/** The longest sequence (prompt plus answer) the model accepts. */
	int maxContext();

	/** Starts a sequence; it may grow up to {@code capacity} tokens. */
	Sequence newSequence(int capacity);

	/** One sequence's state. Not thread-safe; one generation owns it. */
	interface Sequence extends AutoCloseable {

		/** Appends {@code tokens} and returns the logits that follow the last of them. */
		float[] forward(int[] tokens);

		/** Tokens consumed so far. */
		int length();

		@Override
		void close();

	}

}
