package dev.enclave.inference.internal.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding, precomputed for every position up to the model's context. Both
 * layouts are one formula, {@code x * C + swap(x) * S}: {@code swap} exchanges the two
 * members of each rotated pair (the halves for LLaMA, neighbours for GLM), {@code C} holds
 * the cosine for both members and {@code S} the sine, negated for the first member.
 */
final class RotaryEmbedding {

	private final RopeSpec spec;

	private final int headDim;

	private final NDArray cos;

	private final NDArray sin;

	private final NDIndex rotated;

	private final NDIndex passed;

	RotaryEmbedding(RopeSpec spec, int headDim, int positions, NDManager manager, DataType type) {
		this.spec = spec;
		this.headDim = headDim;
		int dim = spec.rotaryDim();
		int pairs = dim / 2;
		float[] frequencies = spec.inverseFrequencies();
		float[] cos = new float[positions * dim];
		float[] sin = new float[positions * dim];
		for (int position = 0; position < positions; position++) {
			for (int pair = 0; pair < pairs; pair++) {
				float angle = (float) position * frequencies[pair];
				float c = (float) Math.cos(angle);
				float s = (float) Math.sin(angle);
				int first = spec.interleaved() ? 2 * pair : pair;
				int second = spec.interleaved() ? 2 * pair + 1 : pair + pairs;
				cos[position * dim + first] = c;
				cos[position * dim + second] = c;
				sin[position * dim + first] = -s;
				sin[position * dim + second] = s;
			}
		}
		this.cos = manager.create(cos, new Shape(positions, 1, dim)).toType(type, false);
		this.sin = manager.create(sin, new Shape(positions, 1, dim)).toType(type, false);
		this.rotated = new NDIndex().addAllDim(2).addSliceDim(0, dim);
		this.passed = new NDIndex().addAllDim(2).addSliceDim(dim, headDim);
	}

	/** The tables for {@code count} positions from {@code start}, shaped to broadcast over heads. */
	NDArray[] tables(NDManager step, int start, int count) {
		NDIndex window = new NDIndex().addSliceDim(start, start + count);
		return new NDArray[] { this.cos.get(step, window), this.sin.get(step, window) };
	}

	/** Rotates {@code x} of shape {@code [tokens, heads, headDim]}. */
	NDArray apply(NDArray x, NDArray[] tables) {
		int dim = this.spec.rotaryDim();
		boolean partial = dim < this.headDim;
		NDArray part = partial ? x.get(this.rotated) : x;
		long tokens = x.getShape().get(0);
		long heads = x.getShape().get(1);
		Shape pairs = this.spec.interleaved() ? new Shape(tokens, heads, dim / 2, 2)
				: new Shape(tokens, heads, 2, dim / 2);
		NDArray swapped = part.reshape(pairs).flip(this.spec.interleaved() ? 3 : 2).reshape(tokens, heads, dim);
		NDArray rotated = part.mul(tables[0]).add(swapped.mul(tables[1]));
		return partial ? rotated.concat(x.get(this.passed), 2) : rotated;
	}

}
