package dev.enclave.inference.internal.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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

	@Override
	public long kvBytesPerToken() {
		return 2L * this.spec.layers() * this.spec.kvHeads() * this.spec.headDim() * this.type.getNumOfBytes();
	}

	/**
	 * Logits for every position of {@code tokens} appended to {@code sequence}: what tests
	 * compare with the reference implementation.
	 */
	public float[][] forwardAll(Sequence sequence, int[] tokens) {
		KvSequence kv = (KvSequence) sequence;
		return run(List.of(new Chunk(kv, tokens, true)), true);
	}

	/**
	 * One step over several sequences. The rows of every chunk go through the norms, the
	 * projections and the MLP together, one matrix product per weight, so each weight is
	 * read once per step whatever the batch. Attention runs per sequence against its own KV
	 * cache: the caches grow, shrink and are freed independently (a cancelled or preempted
	 * sequence gives its memory back at once), and padding them to a common length would
	 * copy every cache into a padded batch on every step, traffic that grows with the
	 * context; the per-sequence products are a few small operations each.
	 */
	@Override
	public float[][] step(List<Chunk> chunks) {
		return run(chunks, false);
	}

	@Override
	public void close() {
		this.manager.close();
	}

	/**
	 * The forward pass over the chunks' rows, concatenated: every chunk is checked and its
	 * cache reserved before anything runs, so a step that is refused changes nothing.
	 * Internally the rows are reordered so that decoding sequences whose attention runs
	 * batched sit together (see {@link #layout}); the logits come back in the chunks' order.
	 * @param allPositions one chunk only: the logits of each of its positions
	 */
	private float[][] run(List<Chunk> chunks, boolean allPositions) {
		int batch = chunks.size();
		if (batch == 0) {
			return new float[0][];
		}
		for (int i = 0; i < batch; i++) {
			Chunk chunk = chunks.get(i);
			KvSequence sequence = (KvSequence) chunk.sequence();
			for (int j = 0; j < i; j++) {
				if (chunks.get(j).sequence() == sequence) {
					throw new IllegalArgumentException("a sequence appears twice in one step");
				}
			}
			int count = chunk.tokens().length;
			if (count == 0 || sequence.length + count > sequence.limit) {
				throw new IllegalArgumentException("cannot append " + count + " tokens to a sequence of "
						+ sequence.length + " (limit " + sequence.limit + ")");
			}
		}
		for (Chunk chunk : chunks) {
			KvSequence sequence = (KvSequence) chunk.sequence();
			sequence.reserve(sequence.length + chunk.tokens().length);
		}
		Layout layout = layout(chunks);
		KvSequence[] sequences = new KvSequence[batch];
		int[] starts = new int[batch];
		int[] offsets = new int[batch + 1];
		for (int i = 0; i < batch; i++) {
			Chunk chunk = chunks.get(layout.order[i]);
			sequences[i] = (KvSequence) chunk.sequence();
			starts[i] = sequences[i].length;
			offsets[i + 1] = offsets[i] + chunk.tokens().length;
		}
		long[] ids = new long[offsets[batch]];
		for (int i = 0; i < batch; i++) {
			int[] tokens = chunks.get(layout.order[i]).tokens();
			for (int t = 0; t < tokens.length; t++) {
				ids[offsets[i] + t] = tokens[t];
			}
		}
		try (NDManager step = this.manager.newSubManager()) {
			NDArray tokenIds = step.create(ids);
			// The residual stream stays float32 whatever the compute type.
			NDArray x = tokenIds.getNDArrayInternal()
				.embedding(tokenIds, this.weights.embedding(), SparseFormat.DENSE)
				.singletonOrThrow()
				.toType(DataType.FLOAT32, false);
			NDArray[] rotations = new NDArray[batch];
			NDArray[] masks = new NDArray[batch];
			for (int i = 0; i < batch; i++) {
				int count = offsets[i + 1] - offsets[i];
				rotations[i] = this.rotary.rotations(step, starts[i], count);
				masks[i] = (count > 1) ? causalMask(step, starts[i], count) : null;
			}
			NDArray rotation = (batch == 1) ? rotations[0] : NDArrays.concat(new NDList(rotations), 0);
			NDArray[] groupMasks = new NDArray[layout.groups.size()];
			for (int g = 0; g < groupMasks.length; g++) {
				groupMasks[g] = layout.groups.get(g).mask(step, starts).toType(this.type, false);
			}
			Step plan = new Step(sequences, starts, offsets, masks, layout.groups, groupMasks, step);
			for (int layer = 0; layer < this.spec.layers(); layer++) {
				x = layer(layer, x, rotation, plan);
			}
			for (int i = 0; i < batch; i++) {
				sequences[i].length = starts[i] + offsets[i + 1] - offsets[i];
			}
			float[][] internal = logits(x, chunks, layout.order, offsets, allPositions, step);
			if (allPositions) {
				return internal;
			}
			float[][] result = new float[batch][];
			for (int i = 0; i < batch; i++) {
				result[layout.order[i]] = internal[i];
			}
			return result;
		}
	}

	/**
	 * Decoding sequences (one row each) can attend together, one product for many of them,
	 * instead of a dozen small operations each: their cached keys and values are gathered
	 * into one padded batch with a mask. The gather copies each one's cache, a cost that
	 * grows with its length, while the per-sequence operations cost a fixed overhead each;
	 * so sequences batch while their copy stays under {@link #BATCHED_COPY_LIMIT} per layer
	 * (about what the operations they save cost), grouped by cache capacity so every one's
	 * cache is long enough to slice to the group's length. The rest, prompts and long
	 * contexts, attend one by one.
	 */
	private Layout layout(List<Chunk> chunks) {
		long bytesPerTokenLayer = kvBytesPerToken() / this.spec.layers();
		long limit = this.manager.getDevice().isGpu() ? BATCHED_COPY_LIMIT_GPU : BATCHED_COPY_LIMIT;
		java.util.Map<Integer, List<Integer>> buckets = new java.util.TreeMap<>();
		List<Integer> alone = new ArrayList<>();
		for (int i = 0; i < chunks.size(); i++) {
			KvSequence sequence = (KvSequence) chunks.get(i).sequence();
			boolean batchable = chunks.get(i).tokens().length == 1
					&& (long) sequence.capacity * bytesPerTokenLayer <= limit;
			if (batchable) {
				buckets.computeIfAbsent(sequence.capacity, (any) -> new ArrayList<>()).add(i);
			}
			else {
				alone.add(i);
			}
		}
		int[] order = new int[chunks.size()];
		int at = 0;
		List<Group> groups = new ArrayList<>();
		for (List<Integer> members : buckets.values()) {
			if (members.size() < 2) {
				alone.addAll(members);
				continue;
			}
			int from = at;
			for (int member : members) {
				order[at++] = member;
			}
			groups.add(new Group(from, at, ((KvSequence) chunks.get(members.get(0)).sequence()).capacity));
		}
		alone.sort(null);
		for (int member : alone) {
			order[at++] = member;
		}
		return new Layout(order, groups);
	}

	/** Copy per sequence per layer up to which decoding sequences attend batched (CPU, GPU). */
	static final long BATCHED_COPY_LIMIT = 1L << 20;

	static final long BATCHED_COPY_LIMIT_GPU = 32L << 20;

	/** The rows' internal order (internal index to chunk index) and the batched groups in it. */
	private record Layout(int[] order, List<Group> groups) {
	}

	/**
	 * Decoding sequences at internal indices {@code from} to {@code to} (exclusive) that
	 * attend together over their caches' {@code length} positions, the capacity they share.
	 */
	private record Group(int from, int to, int length) {

		/** Each member sees its own positions only: those up to and including its new token. */
		NDArray mask(NDManager step, int[] starts) {
			float[] mask = new float[(this.to - this.from) * this.length];
			for (int m = 0; m < this.to - this.from; m++) {
				Arrays.fill(mask, m * this.length + starts[this.from + m] + 1, (m + 1) * this.length,
						Float.NEGATIVE_INFINITY);
			}
			return step.create(mask, new Shape(this.to - this.from, 1, 1, this.length));
		}

	}

	/** One step's sequences in internal order, with what every layer needs of them. */
	private record Step(KvSequence[] sequences, int[] starts, int[] offsets, NDArray[] masks, List<Group> groups,
			NDArray[] groupMasks, NDManager manager) {
	}

	/** The output head, only over the rows whose scores are wanted. */
	private float[][] logits(NDArray x, List<Chunk> chunks, int[] order, int[] offsets, boolean allPositions,
			NDManager step) {
		int batch = chunks.size();
		float[][] result = new float[batch][];
		int vocab = this.spec.vocabSize();
		if (allPositions) {
			float[] flat = head(x);
			int rows = offsets[1];
			float[][] all = new float[rows][];
			for (int row = 0; row < rows; row++) {
				all[row] = Arrays.copyOfRange(flat, row * vocab, (row + 1) * vocab);
			}
			return all;
		}
		long[] wanted = new long[batch];
		int count = 0;
		for (int i = 0; i < batch; i++) {
			if (chunks.get(order[i]).logits()) {
				wanted[count++] = offsets[i + 1] - 1;
			}
		}
		if (count == 0) {
			return result;
		}
		NDArray last = x.get(new NDIndex("{}", step.create(Arrays.copyOf(wanted, count))));
		float[] flat = head(last);
		int row = 0;
		for (int i = 0; i < batch; i++) {
			if (chunks.get(order[i]).logits()) {
				result[i] = Arrays.copyOfRange(flat, row * vocab, (row + 1) * vocab);
				row++;
			}
		}
		return result;
	}

	private float[] head(NDArray x) {
		NDArray normed = rmsNorm(x, this.weights.finalNorm());
		return linear(normed, this.weights.lmHead(), null).toType(DataType.FLOAT32, false).toFloatArray();
	}

	private NDArray layer(int index, NDArray x, NDArray rotation, Step plan) {
		LayerWeights weights = this.weights.layers().get(index);
		int heads = this.spec.heads();
		int kvHeads = this.spec.kvHeads();
		int headDim = this.spec.headDim();
		KvSequence[] sequences = plan.sequences();
		int[] offsets = plan.offsets();
		int rows = offsets[sequences.length];

		NDArray qkv = linear(rmsNorm(x, weights.inputNorm()), weights.qkv(), weights.qkvBias())
			.reshape(rows, heads + 2L * kvHeads, headDim);
		NDArray rotated = RotaryEmbedding.apply(qkv.get(this.queriesAndKeys), rotation);
		NDArray query = rotated.get(this.queries);
		NDArray key = rotated.get(this.keys);
		NDArray value = qkv.get(this.values);
		NDArray context;
		if (sequences.length == 1) {
			context = sequences[0].attend(index, query, key, value, plan.masks()[0], plan.starts()[0], rows,
					plan.manager());
		}
		else {
			// One split per tensor gives every sequence its rows, and every batched group its block.
			long[] cuts = Arrays.stream(offsets, 1, sequences.length).asLongStream().toArray();
			NDList keys = key.split(cuts, 0);
			NDList values = value.split(cuts, 0);
			List<NDArray> contexts = new ArrayList<>();
			int grouped = 0;
			for (int g = 0; g < plan.groups().size(); g++) {
				Group group = plan.groups().get(g);
				NDArray block = query.get(new NDIndex().addSliceDim(offsets[group.from()], offsets[group.to()]));
				contexts.add(attendTogether(index, group, block, keys, values, plan, g));
				grouped = group.to();
			}
			NDList queries = (grouped < sequences.length) ? query.split(cuts, 0) : null;
			for (int i = grouped; i < sequences.length; i++) {
				contexts.add(sequences[i].attend(index, queries.get(i), keys.get(i), values.get(i), plan.masks()[i],
						plan.starts()[i], offsets[i + 1] - offsets[i], plan.manager()));
			}
			context = (contexts.size() == 1) ? contexts.get(0) : NDArrays.concat(new NDList(contexts), 0);
		}
		NDArray attended = x.add(wide(linear(context, weights.output(), weights.outputBias())));

		NDArray gateUp = wide(linear(rmsNorm(attended, weights.postAttentionNorm()), weights.gateUp(), null));
		long width = this.spec.intermediateSize();
		NDArray gate = gateUp.get(new NDIndex().addAllDim().addSliceDim(0, width));
		NDArray up = gateUp.get(new NDIndex().addAllDim().addSliceDim(width, 2 * width));
		NDArray activated = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
		return attended.add(wide(linear(narrow(activated), weights.down(), null)));
	}

	/**
	 * Attention of a group of decoding sequences at once: each writes its new key and value
	 * into its own cache, the caches are gathered into one padded batch, and one product
	 * per side with a mask does the rest.
	 * @param block the group's queries, {@code [members, heads, dim]}
	 * @return the group's attention output, {@code [members, heads * dim]}
	 */
	private NDArray attendTogether(int layer, Group group, NDArray block, NDList keys, NDList values, Step plan,
			int index) {
		int kvHeads = this.spec.kvHeads();
		int headDim = this.spec.headDim();
		int members = group.to() - group.from();
		NDList cachedKeys = new NDList(members);
		NDList cachedValues = new NDList(members);
		for (int i = group.from(); i < group.to(); i++) {
			KvSequence sequence = plan.sequences()[i];
			int position = plan.starts()[i];
			sequence.keys[layer].set(KvSequence.keyWindow(position, position + 1), keys.get(i).reshape(kvHeads, headDim, 1));
			sequence.values[layer].set(KvSequence.valueWindow(position, position + 1),
					values.get(i).reshape(kvHeads, 1, headDim));
			// Members share a capacity, so their whole caches stack without slicing each.
			cachedKeys.add(sequence.keys[layer]);
			cachedValues.add(sequence.values[layer]);
		}
		// Whole caches, unsliced: contiguous operands keep the products on the fast batched
		// path, and the mask covers the positions past each member's length.
		// A stack belongs to its first input's manager, a cache's: it must go with the step.
		NDArray stackedKeys = NDArrays.stack(cachedKeys, 0);
		stackedKeys.attach(plan.manager());
		NDArray stackedValues = NDArrays.stack(cachedValues, 0);
		stackedValues.attach(plan.manager());
		NDArray scores = block.reshape(members, kvHeads, this.spec.groupSize(), headDim)
			.matMul(stackedKeys)
			.add(plan.groupMasks()[index]);
		return softmax(scores).matMul(stackedValues).reshape(members, (long) this.spec.heads() * headDim);
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
			return run(List.of(new Chunk(this, tokens, true)), false)[0];
		}

		@Override
		public int length() {
			return this.length;
		}

		@Override
		public int allocated() {
			return this.capacity;
		}

		@Override
		public int allocatedAfter(int needed) {
			return (needed <= this.capacity) ? this.capacity : grownTo(needed);
		}

		@Override
		public KvBlock copyKv(int from, int to) {
			if (from < 0 || to > this.length || from >= to) {
				throw new IllegalArgumentException("tokens " + from + ".." + to + " are not in a sequence of "
						+ this.length);
			}
			NDManager copy = DecoderModel.this.manager.newSubManager();
			int layers = DecoderModel.this.spec.layers();
			NDArray[] keys = new NDArray[layers];
			NDArray[] values = new NDArray[layers];
			for (int layer = 0; layer < layers; layer++) {
				keys[layer] = this.keys[layer].get(copy, keyWindow(from, to)).duplicate();
				values[layer] = this.values[layer].get(copy, valueWindow(from, to)).duplicate();
			}
			return new CopiedKv(copy, keys, values, to - from, (to - from) * kvBytesPerToken());
		}

		@Override
		public void appendKv(List<KvBlock> blocks) {
			if (this.length != 0) {
				throw new IllegalStateException("KV blocks start an empty sequence only");
			}
			int tokens = blocks.stream().mapToInt(KvBlock::tokens).sum();
			if (tokens >= this.limit) {
				throw new IllegalArgumentException("the blocks hold " + tokens + " tokens; the sequence " + this.limit);
			}
			reserve(tokens);
			// Joined first, so the copy is a few operations per layer however many blocks.
			try (NDManager joining = DecoderModel.this.manager.newSubManager()) {
				for (int layer = 0; layer < this.keys.length; layer++) {
					NDList keys = new NDList();
					NDList values = new NDList();
					for (KvBlock block : blocks) {
						keys.add(((CopiedKv) block).keys[layer]);
						values.add(((CopiedKv) block).values[layer]);
					}
					NDArray joinedKeys = (keys.size() == 1) ? keys.get(0) : NDArrays.concat(keys, 2);
					NDArray joinedValues = (values.size() == 1) ? values.get(0) : NDArrays.concat(values, 1);
					if (keys.size() > 1) {
						joinedKeys.attach(joining);
						joinedValues.attach(joining);
					}
					this.keys[layer].set(keyWindow(0, tokens), joinedKeys);
					this.values[layer].set(valueWindow(0, tokens), joinedValues);
				}
			}
			this.length = tokens;
		}

		@Override
		public void close() {
			this.memory.close();
		}

		/**
		 * Writes this sequence's new keys and values into its cache and attends its queries
		 * to everything cached so far: the path of prompt chunks, and of sequences too long
		 * to batch. Keys are cached transposed, {@code [kvHeads, dim, tokens]}, and values as
		 * {@code [kvHeads, tokens, dim]}, so the two products need no transpose; a single row
		 * is rearranged by reshapes alone.
		 * @param query {@code [count, heads, dim]}, pre-scaled by {@code 1/sqrt(dim)} at load
		 * @param key {@code [count, kvHeads, dim]}, rotated
		 * @param value {@code [count, kvHeads, dim]}
		 * @return the attention output, {@code [count, heads * dim]}
		 */
		NDArray attend(int layer, NDArray query, NDArray key, NDArray value, NDArray mask, int start, int count,
				NDManager step) {
			DecoderSpec spec = DecoderModel.this.spec;
			int heads = spec.heads();
			int kvHeads = spec.kvHeads();
			int headDim = spec.headDim();
			int group = spec.groupSize();
			int total = start + count;
			boolean single = count == 1;
			this.keys[layer].set(keyWindow(start, total),
					single ? key.reshape(kvHeads, headDim, 1) : key.transpose(1, 2, 0));
			this.values[layer].set(valueWindow(start, total),
					single ? value.reshape(kvHeads, 1, headDim) : value.transpose(1, 0, 2));
			NDArray keys = this.keys[layer].get(step, keyWindow(0, total));
			NDArray values = this.values[layer].get(step, valueWindow(0, total));
			// [tokens, heads, dim] -> [kvHeads, group * tokens, dim]: the queries of one group
			// attend to that group's keys in one batched product.
			NDArray grouped = single ? query.reshape(kvHeads, group, headDim)
					: query.transpose(1, 0, 2).reshape(kvHeads, (long) group * count, headDim);
			NDArray scores = grouped.matMul(keys);
			if (mask != null) {
				scores = scores.reshape(kvHeads, group, count, total).add(mask).reshape(kvHeads, (long) group * count,
						total);
			}
			NDArray context = softmax(scores).matMul(values);
			return single ? context.reshape(1, (long) heads * headDim)
					: context.reshape(heads, count, headDim).transpose(1, 0, 2).reshape(count, (long) heads * headDim);
		}

		/** Grows the cache geometrically, so appending is amortised constant time. */
		void reserve(int needed) {
			if (needed <= this.capacity) {
				return;
			}
			int grown = grownTo(needed);
			DecoderSpec spec = DecoderModel.this.spec;
			Shape keyShape = new Shape(spec.kvHeads(), spec.headDim(), grown);
			Shape valueShape = new Shape(spec.kvHeads(), grown, spec.headDim());
			for (int layer = 0; layer < spec.layers(); layer++) {
				this.keys[layer] = grow(this.keys[layer], keyShape, keyWindow(0, this.length));
				this.values[layer] = grow(this.values[layer], valueShape, valueWindow(0, this.length));
			}
			this.capacity = grown;
		}

		/** Tokens {@code from} up to {@code to} of a key cache, {@code [kvHeads, dim, tokens]}. */
		private static NDIndex keyWindow(int from, int to) {
			return new NDIndex().addAllDim().addAllDim().addSliceDim(from, to);
		}

		/** Tokens {@code from} up to {@code to} of a value cache, {@code [kvHeads, tokens, dim]}. */
		private static NDIndex valueWindow(int from, int to) {
			return new NDIndex().addAllDim().addSliceDim(from, to);
		}

		private int grownTo(int needed) {
			return Math.min(this.limit, Math.max(needed, Math.max(INITIAL_CACHE, this.capacity * 2)));
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

	/**
	 * KV copied out of a sequence, per layer keys {@code [kvHeads, dim, tokens]} and values
	 * {@code [kvHeads, tokens, dim]}, in a manager of its own.
	 */
	private record CopiedKv(NDManager memory, NDArray[] keys, NDArray[] values, int tokens, long bytes)
			implements KvBlock {

		@Override
		public void close() {
			this.memory.close();
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
		if (this.type == DataType.FLOAT32) {
			return scores.softmax(-1);
		}
		return scores.toType(DataType.FLOAT32, false).softmax(-1).toType(this.type, false);
	}

	private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
		return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
	}

}
