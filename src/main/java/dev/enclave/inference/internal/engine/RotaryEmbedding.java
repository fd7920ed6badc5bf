package dev.enclave.inference.internal.engine;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding as one matrix per position. Both layouts rotate pairs of
 * dimensions of each head: the two halves of the rotated part (LLaMA, Qwen2) or neighbours
 * (GLM, which rotates only the first half of each head and passes the rest through). For a
 * position {@code p} that is {@code out = x · M(p)} with
 * {@code M(p) = diag(C(p)) + P · diag(S(p))}: {@code C} the cosine of each dimension's
 * angle (1 where nothing rotates), {@code S} the sine, negated for the first member of each
 * pair, and {@code P} the permutation that swaps the members of each pair. Every layer then
 * rotates its queries and keys with a single batched product, and since each column of
 * {@code M} has at most two non-zero entries, the result is the textbook formula's.
 */
final class RotaryEmbedding {

	private final NDArray cos;

	private final NDArray sin;

	private final NDArray identity;

	private final NDArray swap;

	RotaryEmbedding(RopeSpec spec, int headDim, int positions, NDManager manager, DataType type) {
		int dim = spec.rotaryDim();
		int pairs = dim / 2;
		float[] frequencies = spec.inverseFrequencies();
		float[] cos = new float[positions * headDim];
		float[] sin = new float[positions * headDim];
		float[] swap = new float[headDim * headDim];
		float[] identity = new float[headDim * headDim];
		for (int i = 0; i < headDim; i++) {
			identity[i * headDim + i] = 1;
		}
		for (int pair = 0; pair < pairs; pair++) {
			int first = spec.interleaved() ? 2 * pair : pair;
			int second = spec.interleaved() ? 2 * pair + 1 : pair + pairs;
			swap[first * headDim + second] = 1;
			swap[second * headDim + first] = 1;
		}
		for (int position = 0; position < positions; position++) {
			int row = position * headDim;
			Arrays.fill(cos, row + dim, row + headDim, 1f);
			for (int pair = 0; pair < pairs; pair++) {
				float angle = (float) position * frequencies[pair];
				float c = (float) Math.cos(angle);
				float s = (float) Math.sin(angle);
				int first = spec.interleaved() ? 2 * pair : pair;
				int second = spec.interleaved() ? 2 * pair + 1 : pair + pairs;
				cos[row + first] = c;
				cos[row + second] = c;
				sin[row + first] = -s;
				sin[row + second] = s;
			}
		}
		this.cos = manager.create(cos, new Shape(positions, 1, headDim)).toType(type, false);
		this.sin = manager.create(sin, new Shape(positions, 1, headDim)).toType(type, false);
		this.identity = manager.create(identity, new Shape(headDim, headDim)).toType(type, false);
		this.swap = manager.create(swap, new Shape(headDim, headDim)).toType(type, false);
	}

	/**
	 * The rotation matrices of the given positions, one per row of a step, shape
	 * {@code [rows, headDim, headDim]}: a gather, whatever the number of sequences.
	 */
	NDArray rotations(NDManager step, int[] positions) {
		NDArray index = step.create(java.util.Arrays.stream(positions).asLongStream().toArray());
		// With the step's manager, or the gathered rows would outlive it in the model's.
		NDArray cos = this.cos.get(step, new NDIndex("{}", index));
		NDArray sin = this.sin.get(step, new NDIndex("{}", index));
		return cos.mul(this.identity).add(sin.mul(this.swap));
	}

	/** Rotates {@code x} of shape {@code [tokens, heads, headDim]}. */
	static NDArray apply(NDArray x, NDArray rotations) {
		return x.matMul(rotations);
	}

}
