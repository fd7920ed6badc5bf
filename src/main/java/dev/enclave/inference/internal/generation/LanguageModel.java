package dev.enclave.inference.internal.generation;

import java.util.List;

/**
 * A causal language model seen from generation: feed tokens, get the scores of the next
 * one. Each sequence keeps its own state (the KV cache), which is never shared between
 * requests, so no tenant ever sees another's context. A step may run several sequences
 * together, which is how a batching scheduler reads each weight once for all of them.
 */
public interface LanguageModel {

	/** Length of every logits vector. */
	int vocabSize();

	/** The longest sequence (prompt plus answer) the model accepts. */
	int maxContext();

	/** Starts a sequence; it may grow up to {@code capacity} tokens. */
	Sequence newSequence(int capacity);

	/**
	 * One step over several sequences: each chunk's tokens are appended to its sequence (one
	 * token for a sequence that is decoding, a piece of prompt for one that is prefilling).
	 * A sequence appears at most once. This default runs them one after the other; a model
	 * that can batch runs them together.
	 * @return per chunk, in order, the logits that follow its last token, or null when the
	 * chunk asked for none (a piece of prompt before its last)
	 */
	default float[][] step(List<Chunk> chunks) {
		float[][] logits = new float[chunks.size()][];
		for (int i = 0; i < chunks.size(); i++) {
			Chunk chunk = chunks.get(i);
			float[] scores = chunk.sequence().forward(chunk.tokens());
			logits[i] = chunk.logits() ? scores : null;
		}
		return logits;
	}

	/** Bytes of KV cache one token of one sequence takes; 0 for a model without a cache. */
	default long kvBytesPerToken() {
		return 0;
	}

	/**
	 * One sequence's part of a step.
	 *
	 * @param sequence the sequence to extend
	 * @param tokens the tokens to append, at least one
	 * @param logits whether the scores after the last token are wanted
	 */
	record Chunk(Sequence sequence, int[] tokens, boolean logits) {
	}

	/** One sequence's state. Not thread-safe; one generation owns it. */
	interface Sequence extends AutoCloseable {

		/** Appends {@code tokens} and returns the logits that follow the last of them. */
		float[] forward(int[] tokens);

		/** Tokens consumed so far. */
		int length();

		/** Tokens of KV cache this sequence holds allocated now; at least its length. */
		default int allocated() {
			return length();
		}

		/** What {@link #allocated()} will be once the sequence holds {@code needed} tokens. */
		default int allocatedAfter(int needed) {
			return Math.max(allocated(), needed);
		}

		/**
X
		 * so another sequence of the same tenant that starts with the same tokens can take it
		 * instead of computing it.
		 * @throws UnsupportedOperationException from a model without a cache
		 */
		default KvBlock copyKv(int from, int to) {
			throw new UnsupportedOperationException("This model keeps no KV cache");
		}

		/**
		 * Appends copied KV blocks, in order, as if their tokens had been run. Only for an
		 * empty sequence of the same model.
		 */
		default void appendKv(List<KvBlock> blocks) {
			throw new UnsupportedOperationException("This model keeps no KV cache");
		}

		@Override
		void close();

	}

	/** A copied piece of KV cache. Closing it frees its memory. */
	interface KvBlock extends AutoCloseable {

		/** The tokens it covers. */
		int tokens();

		/** Its size. */
		long bytes();

		@Override
		void close();

	}

}
