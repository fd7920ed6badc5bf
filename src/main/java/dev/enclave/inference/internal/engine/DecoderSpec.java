package dev.enclave.inference.internal.engine;

import dev.enclave.inference.internal.checkpoint.CheckpointException;

/**
 * The shape of a decoder-only transformer, normalised from whichever names its
 * {@code config.json} uses. Every supported architecture is a pre-norm RMSNorm decoder with
 * rotary attention (grouped-query) and a SwiGLU MLP; what differs is named here.
 *
 * @param architecture the {@code model_type} the checkpoint declares
 * @param hiddenSize width of the residual stream
 * @param layers number of decoder layers
 * @param heads query heads
 * @param kvHeads key/value heads (groups); {@code heads} is a multiple of it
 * @param headDim width of one head
 * @param intermediateSize width of the MLP's hidden layer
 * @param vocabSize rows of the embedding and of the output head
 * @param normEps epsilon of every RMSNorm
 * @param rope rotary embedding
 * @param maxPositions longest context the checkpoint supports
 * @param tiedEmbeddings whether the output head reuses the embedding matrix
 * @param qkvBias whether the query, key and value projections have a bias
 * @param outputBias whether the attention output projection has a bias
 */
public record DecoderSpec(String architecture, int hiddenSize, int layers, int heads, int kvHeads, int headDim,
		int intermediateSize, int vocabSize, double normEps, RopeSpec rope, int maxPositions, boolean tiedEmbeddings,
		boolean qkvBias, boolean outputBias) {

	public DecoderSpec {
		require(hiddenSize > 0 && layers > 0 && heads > 0 && kvHeads > 0 && headDim > 0 && intermediateSize > 0
				&& vocabSize > 0 && maxPositions > 0, "sizes must be positive");
		require(heads % kvHeads == 0, "num_attention_heads (" + heads + ") must be a multiple of the key/value heads ("
				+ kvHeads + ")");
		require(rope.rotaryDim() > 0 && rope.rotaryDim() % 2 == 0 && rope.rotaryDim() <= headDim,
				"the rotary dimension (" + rope.rotaryDim() + ") must be even and at most the head dimension ("
						+ headDim + ")");
	}

	/** Width of the fused query/key/value projection's output. */
	public int qkvWidth() {
		return (this.heads + 2 * this.kvHeads) * this.headDim;
	}

	/** Query heads per key/value head. */
	public int groupSize() {
		return this.heads / this.kvHeads;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new CheckpointException("config.json: " + message);
		}
	}

}
