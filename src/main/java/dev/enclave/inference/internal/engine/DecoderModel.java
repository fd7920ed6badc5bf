package dev.enclave.inference.internal.engine;

import java.util.Arrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.generation.LanguageModel;

/**
 * The decoder forward pass on DJL NDArrays, shared by every architecture: embedding, then
 * per layer {@code x += attention(norm(x))} and {@code x += mlp(norm(x))}, then the final
 * norm and the output head. DJL has no fused attention, so attention is written out:
 * grouped-query heads are folded into their key/value group so one batched product serves
 * a whole group, and new keys and values are written in place into the sequence's cache.
 *
 * <p>Every intermediate of a step lives in a sub-manager closed at the end of the step, so
 * native memory does not grow with the answer; the KV cache lives in the sequence's own
 * manager.
 */
public final class DecoderModel implements LanguageModel, AutoCloseable {

	private static final int INITIAL_CACHE = 64;

	private final String name;

	private final DecoderSpec spec;

	private final NDManager manager;

	private final DataType type;

	private final DecoderWeights weights;

	private final RotaryEmbedding rotary;

	private final int maxContext;

	private final NDIndex queriesAndKeys;

	private final NDIndex values;

	private final NDIndex queries;

	private final NDIndex keys;

	private DecoderModel(String name, DecoderSpec spec, NDManager manager, DataType type, DecoderWeights weights,
			int maxContext) {
		this.name = name;
		this.spec = spec;
		this.manager = manager;
		this.type = type;
		this.weights = weights;
		this.maxContext = maxContext;
		this.rotary = new RotaryEmbedding(spec.rope(), spec.headDim(), maxContext, manager, type);
		int heads = spec.heads();
		int kv = spec.kvHeads();
		this.queriesAndKeys = new NDIndex().addAllDim().addSliceDim(0, heads + kv);
		this.values = new NDIndex().addAllDim().addSliceDim(heads + kv, heads + 2L * kv);
		this.queries = new NDIndex().addAllDim().addSliceDim(0, heads);
		this.keys = new NDIndex().addAllDim().addSliceDim(heads, heads + kv);
	}

	/**
	 * Loads a verified checkpoint onto {@code device}.
	 * @param requestedContext the longest sequence to serve, or 0 for the checkpoint's own
	 * limit; never more than that limit
	 */
	public static DecoderModel load(String name, Checkpoint checkpoint, Device device, DataType type,
			int requestedContext) {
		String modelType = new ConfigReader(checkpoint.config()).text("model_type", "");
		Architecture architecture = Architectures.of(modelType);
		DecoderSpec spec = architecture.spec(checkpoint.config());
		int context = (requestedContext > 0) ? Math.min(requestedContext, spec.maxPositions()) : spec.maxPositions();
		NDManager manager = DjlRuntime.engine().newBaseManager(device);
		try {
			DecoderWeights weights = architecture.load(new TensorLoader(checkpoint.weights(), manager, type), spec);
			foldAttentionScale(weights, spec);
			DjlRuntime.assertOn(weights.embedding(), device, name);
			DjlRuntime.assertOn(weights.lmHead(), device, name);
			return new DecoderModel(name, spec, manager, type, weights, context);
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
	}

	/**
	 * Scales the query rows of every fused projection (and their bias) by
	 * {@code 1/sqrt(headDim)}: rotation is linear, so the scores come out already scaled and
	 * no step pays for the multiplication.
	 */
	private static void foldAttentionScale(DecoderWeights weights, DecoderSpec spec) {
		float scale = (float) (1.0 / Math.sqrt(spec.headDim()));
		NDIndex queryRows = new NDIndex().addSliceDim(0, (long) spec.heads() * spec.headDim());
		for (LayerWeights layer : weights.layers()) {
			try (NDArray rows = layer.qkv().get(queryRows)) {
				rows.muli(scale);
			}
			if (layer.qkvBias() != null) {
				try (NDArray rows = layer.qkvBias().get(queryRows)) {
					rows.muli(scale);
				}
			}
		}
	}

	public String name() {
		return this.name;
	}

	public DecoderSpec spec() {
		return this.spec;
	}

	public Device device() {
		return this.manager.getDevice();
	}

	public DataType type() {
		return this.type;
	}

	/** Bytes of weights read for one decoded token: every matrix once, norms included. */
	public long weightBytesPerToken() {
		long elements = this.weights.lmHead().size() + this.weights.finalNorm().size();
		for (LayerWeights layer : this.weights.layers()) {
			elements += layer.inputNorm().size() + layer.qkv().size() + layer.output().size()
					+ layer.postAttentionNorm().size() + layer.gateUp().size() + layer.down().size();
		}
		// One embedding row per token.
		elements += this.spec.hiddenSize();
		return elements * this.type.getNumOfBytes();
	}

	/** Parameters of the network, the output head counted once when it is tied. */
	public long parameters() {
		long count = this.weights.embedding().size() + this.weights.finalNorm().size();
		if (this.weights.lmHead() != this.weights.embedding()) {
			count += this.weights.lmHead().size();
		}
		for (LayerWeights layer : this.weights.layers()) {
			count += layer.inputNorm().size() + layer.qkv().size() + layer.output().size()
					+ layer.postAttentionNorm().size() + layer.gateUp().size() + layer.down().size();
			count += (layer.qkvBias() != null) ? layer.qkvBias().size() : 0;
			count += (layer.outputBias() != null) ? layer.outputBias().size() : 0;
		}
		return count;
	}

	@Override
	public int vocabSize() {
		return this.spec.vocabSize();
	}

	@Override
	public int maxContext() {
		return this.maxContext;
	}

	@Override
	public Sequence newSequence(int capacity) {
		if (capacity < 1 || capacity > this.maxContext) {
			throw new IllegalArgumentException("capacity " + capacity + " is outside 1.." + this.maxContext);
		}
		return new KvSequence(capacity);
	}

	/**
	 * Logits for every position of {@code tokens} appended to {@code sequence}: what tests
	 * compare with the reference implementation.
	 */
	public float[][] forwardAll(Sequence sequence, int[] tokens) {
		return ((KvSequence) sequence).run(tokens, true);
	}

	@Override
	public void close() {
		this.manager.close();
	}

	private final class KvSequence implements Sequence {

		private final int limit;

		private final NDManager memory;

		private final NDArray[] keys;

		private final NDArray[] values;

		private int capacity;

		private int length;

		KvSequence(int limit) {
			this.limit = limit;
			this.memory = DecoderModel.this.manager.newSubManager();
			this.keys = new NDArray[DecoderModel.this.spec.layers()];
			this.values = new NDArray[DecoderModel.this.spec.layers()];
			this.capacity = 0;
		}

		@Override
		public float[] forward(int[] tokens) {
			float[][] logits = run(tokens, false);
			return logits[0];
		}

		@Override
		public int length() {
			return this.length;
		}

		@Override
		public void close() {
			this.memory.close();
		}

		float[][] run(int[] tokens, boolean allPositions) {
			int count = tokens.length;
			int start = this.length;
			if (count == 0 || start + count > this.limit) {
				throw new IllegalArgumentException(
						"cannot append " + count + " tokens to a sequence of " + start + " (limit " + this.limit + ")");
			}
			reserve(start + count);
			DecoderSpec spec = DecoderModel.this.spec;
			try (NDManager step = DecoderModel.this.manager.newSubManager()) {
				NDArray ids = step.create(Arrays.stream(tokens).asLongStream().toArray());
				// The residual stream stays float32 whatever the compute type.
				NDArray x = ids.getNDArrayInternal()
					.embedding(ids, DecoderModel.this.weights.embedding(), SparseFormat.DENSE)
					.singletonOrThrow()
					.toType(DataType.FLOAT32, false);
				NDArray rotations = DecoderModel.this.rotary.rotations(step, start, count);
				NDArray mask = (count > 1) ? causalMask(step, start, count) : null;
				for (int layer = 0; layer < spec.layers(); layer++) {
					x = layer(layer, x, rotations, mask, step, start, count);
				}
				if (!allPositions) {
					x = x.get(new NDIndex().addSliceDim(count - 1, count));
				}
				NDArray normed = rmsNorm(x, DecoderModel.this.weights.finalNorm());
				NDArray logits = linear(normed, DecoderModel.this.weights.lmHead(), null).toType(DataType.FLOAT32,
						false);
				float[] flat = logits.toFloatArray();
				this.length = start + count;
				int rows = allPositions ? count : 1;
				int vocab = spec.vocabSize();
				float[][] result = new float[rows][];
				for (int row = 0; row < rows; row++) {
					result[row] = Arrays.copyOfRange(flat, row * vocab, (row + 1) * vocab);
				}
				return result;
			}
		}

		private NDArray layer(int index, NDArray x, NDArray rotations, NDArray mask, NDManager step, int start,
				int count) {
			DecoderSpec spec = DecoderModel.this.spec;
			LayerWeights weights = DecoderModel.this.weights.layers().get(index);
			int heads = spec.heads();
			int kvHeads = spec.kvHeads();
			int headDim = spec.headDim();
			int group = spec.groupSize();
			int total = start + count;

			NDArray qkv = linear(rmsNorm(x, weights.inputNorm()), weights.qkv(), weights.qkvBias())
				.reshape(count, heads + 2L * kvHeads, headDim);
			NDArray rotated = RotaryEmbedding.apply(qkv.get(DecoderModel.this.queriesAndKeys), rotations);
			NDArray query = rotated.get(DecoderModel.this.queries);
			NDArray key = rotated.get(DecoderModel.this.keys).transpose(1, 0, 2);
			NDArray value = qkv.get(DecoderModel.this.values).transpose(1, 0, 2);

			NDIndex fresh = new NDIndex().addAllDim().addSliceDim(start, total);
			NDIndex filled = new NDIndex().addAllDim().addSliceDim(0, total);
			this.keys[index].set(fresh, key);
			this.values[index].set(fresh, value);
			NDArray keys = this.keys[index].get(step, filled);
			NDArray values = this.values[index].get(step, filled);

			// [tokens, heads, dim] -> [kvHeads, group * tokens, dim]: the queries of one group
			// attend to that group's keys in one batched product.
			NDArray grouped = query.transpose(1, 0, 2).reshape(kvHeads, (long) group * count, headDim);
			// Queries were pre-scaled by 1/sqrt(headDim) at load time.
			NDArray scores = grouped.matMul(keys.transpose(0, 2, 1));
			if (mask != null) {
				scores = scores.reshape(kvHeads, group, count, total).add(mask).reshape(kvHeads, (long) group * count,
						total);
			}
			NDArray context = softmax(scores).matMul(values)
				.reshape(heads, count, headDim)
				.transpose(1, 0, 2)
				.reshape(count, (long) heads * headDim);
			NDArray attended = x.add(wide(linear(context, weights.output(), weights.outputBias())));

			NDArray gateUp = wide(linear(rmsNorm(attended, weights.postAttentionNorm()), weights.gateUp(), null));
			long width = spec.intermediateSize();
			NDArray gate = gateUp.get(new NDIndex().addAllDim().addSliceDim(0, width));
			NDArray up = gateUp.get(new NDIndex().addAllDim().addSliceDim(width, 2 * width));
			NDArray activated = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
			return attended.add(wide(linear(narrow(activated), weights.down(), null)));
		}

		/** Grows the cache geometrically, so appending is amortised constant time. */
		private void reserve(int needed) {
			if (needed <= this.capacity) {
				return;
			}
			int grown = Math.min(this.limit, Math.max(needed, Math.max(INITIAL_CACHE, this.capacity * 2)));
			DecoderSpec spec = DecoderModel.this.spec;
			Shape shape = new Shape(spec.kvHeads(), grown, spec.headDim());
			NDIndex old = new NDIndex().addAllDim().addSliceDim(0, this.length);
			for (int layer = 0; layer < spec.layers(); layer++) {
				this.keys[layer] = grow(this.keys[layer], shape, old);
				this.values[layer] = grow(this.values[layer], shape, old);
			}
			this.capacity = grown;
		}

		private NDArray grow(NDArray previous, Shape shape, NDIndex old) {
			NDArray next = this.memory.zeros(shape, DecoderModel.this.type);
			if (previous != null) {
				if (this.length > 0) {
					try (NDArray kept = previous.get(old)) {
						next.set(old, kept);
					}
				}
				previous.close();
			}
			return next;
		}

	}

	private NDArray causalMask(NDManager step, int start, int count) {
		int total = start + count;
		float[] mask = new float[count * total];
		for (int row = 0; row < count; row++) {
			Arrays.fill(mask, row * total + start + row + 1, (row + 1) * total, Float.NEGATIVE_INFINITY);
		}
		return step.create(mask, new Shape(count, total)).toType(this.type, false);
	}

	/**
	 * {@code x / sqrt(mean(x^2) + eps) * w} on the float32 residual stream, handed to the next
	 * projection in the compute type.
	 */
	private NDArray rmsNorm(NDArray x, NDArray weight) {
		NDArray rms = x.square().mean(new int[] { -1 }, true).add(this.spec.normEps()).sqrt();
		return narrow(x.div(rms).mul(weight));
	}

	/** To the compute type; free when that is float32. */
	private NDArray narrow(NDArray x) {
		return x.toType(this.type, false);
	}

	/** Projections' outputs rejoin the float32 residual stream and activations. */
	private static NDArray wide(NDArray x) {
		return x.toType(DataType.FLOAT32, false);
	}

	private NDArray softmax(NDArray scores) {
		return scores.toType(DataType.FLOAT32, false).softmax(-1).toType(this.type, false);
	}

	private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
		return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
	}

}
