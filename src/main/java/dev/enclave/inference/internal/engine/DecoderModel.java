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
import org.jspecify.annotations.Nullable;

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
	public synchronized Sequence newSequence(int capacity) {
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
	private synchronized float[][] run(List<Chunk> chunks, boolean allPositions) {
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
		// Slabs hold their members from here to the end of the step: nothing joins or leaves.
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
			int[] positions = new int[ids.length];
			NDArray[] masks = new NDArray[batch];
			for (int i = 0; i < batch; i++) {
				int count = offsets[i + 1] - offsets[i];
				for (int t = 0; t < count; t++) {
					positions[offsets[i] + t] = starts[i] + t;
				}
				masks[i] = (count > 1) ? causalMask(step, starts[i], count) : null;
			}
			NDArray rotation = this.rotary.rotations(step, positions);
			List<GroupState> groups = new ArrayList<>();
			for (Group group : layout.groups) {
				groups.add(group.start(sequences, starts, step, this.type));
			}
			Step plan = new Step(sequences, starts, offsets, masks, groups, step);
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
	 * Decoding sequences (one row each) of the same {@link Slab} attend together: their
	 * caches already sit side by side in the slab's tensors, so one product per side over
	 * the slab, with a mask, serves them all, where attending one by one costs a dozen small
	 * operations per sequence per layer. Prompt chunks, and a slab's lone decoding sequence,
	 * attend one by one.
	 */
	private Layout layout(List<Chunk> chunks) {
		java.util.Map<Slab, List<Integer>> bySlab = new java.util.LinkedHashMap<>();
		List<Integer> alone = new ArrayList<>();
		for (int i = 0; i < chunks.size(); i++) {
			KvSequence sequence = (KvSequence) chunks.get(i).sequence();
			if (chunks.get(i).tokens().length == 1) {
				bySlab.computeIfAbsent(sequence.slab, (any) -> new ArrayList<>()).add(i);
			}
			else {
				alone.add(i);
			}
		}
		int[] order = new int[chunks.size()];
		int at = 0;
		List<Group> groups = new ArrayList<>();
		for (java.util.Map.Entry<Slab, List<Integer>> entry : bySlab.entrySet()) {
			List<Integer> members = entry.getValue();
			if (members.size() < 2) {
				alone.addAll(members);
				continue;
			}
			int from = at;
			for (int member : members) {
				order[at++] = member;
			}
			groups.add(new Group(from, at, entry.getKey()));
		}
		alone.sort(null);
		for (int member : alone) {
			order[at++] = member;
		}
		return new Layout(order, groups);
	}

	/** The rows' internal order (internal index to chunk index) and the batched groups in it. */
	private record Layout(int[] order, List<Group> groups) {
	}

	/** Decoding sequences at internal indices {@code from} to {@code to} (exclusive), all of one slab. */
	private record Group(int from, int to, Slab slab) {

		/**
		 * What every layer needs of the group: which slot each member has and which
		 * position it writes, which member (or none) each slot of the slab is, and a mask
		 * that lets each member see its own positions up to its new token. Slots of the slab
		 * that are not decoding this step see their first position only; their output is
		 * dropped.
		 */
		GroupState start(KvSequence[] sequences, int[] starts, NDManager step, DataType type) {
			int members = this.to - this.from;
			int used = this.slab.used;
			int width = this.slab.capacity;
			long[] slots = new long[members];
			long[] positions = new long[members];
			long[] memberOfSlot = new long[used];
			float[] mask = new float[used * width];
			for (int slot = 0; slot < used; slot++) {
				Arrays.fill(mask, slot * width + 1, (slot + 1) * width, Float.NEGATIVE_INFINITY);
			}
			for (int m = 0; m < members; m++) {
				KvSequence sequence = sequences[this.from + m];
				slots[m] = sequence.slot;
				positions[m] = starts[this.from + m];
				memberOfSlot[sequence.slot] = m;
				Arrays.fill(mask, sequence.slot * width, (int) (sequence.slot * width + positions[m] + 1), 0f);
			}
			return new GroupState(this, step.create(slots), step.create(positions), step.create(memberOfSlot),
					step.create(mask, new Shape(used, 1, 1, width)).toType(type, false));
		}

	}

	/** A group's index arrays and mask for one step. */
	private record GroupState(Group group, NDArray slots, NDArray positions, NDArray memberOfSlot, NDArray mask) {
	}

	/** One step's sequences in internal order, with what every layer needs of them. */
	private record Step(KvSequence[] sequences, int[] starts, int[] offsets, NDArray[] masks, List<GroupState> groups,
			NDManager manager) {
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
			// One split per tensor gives every sequence attending alone its rows.
			long[] cuts = Arrays.stream(offsets, 1, sequences.length).asLongStream().toArray();
			List<NDArray> contexts = new ArrayList<>();
			int grouped = 0;
			for (GroupState group : plan.groups()) {
				NDIndex rowsOf = new NDIndex().addSliceDim(offsets[group.group().from()], offsets[group.group().to()]);
				contexts.add(attendTogether(index, group, query.get(rowsOf), key.get(rowsOf), value.get(rowsOf),
						plan.manager()));
				grouped = group.group().to();
			}
			NDList queries = (grouped < sequences.length) ? query.split(cuts, 0) : null;
			NDList keys = (grouped < sequences.length) ? key.split(cuts, 0) : null;
			NDList values = (grouped < sequences.length) ? value.split(cuts, 0) : null;
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
	 * Attention of a group of decoding sequences at once, in their slab: the members' new
	 * keys and values go into this layer's slice of the slab with one indexed put each, then
	 * one product per side over every slot of the slab, with a mask. No member pays
	 * operations of its own, and nothing is copied.
	 * @param queries the group's queries, {@code [members, heads, dim]}
	 * @param keys the group's new keys, {@code [members, kvHeads, dim]}
	 * @param values the group's new values, {@code [members, kvHeads, dim]}
	 * @return the group's attention output, {@code [members, heads * dim]}
	 */
	private NDArray attendTogether(int layer, GroupState group, NDArray queries, NDArray keys, NDArray values,
			NDManager step) {
		Slab slab = group.group().slab();
		int kvHeads = this.spec.kvHeads();
		int headDim = this.spec.headDim();
		int used = slab.used;
		slab.keys.set(new NDIndex("{}, {}, :, :, {}", layer, group.slots(), group.positions()), keys);
		slab.values.set(new NDIndex("{}, {}, :, {}, :", layer, group.slots(), group.positions()), values);
		NDIndex inUse = new NDIndex().addIndices(layer).addSliceDim(0, used);
		NDArray bySlot = queries.get(new NDIndex("{}", group.memberOfSlot()))
			.reshape(used, kvHeads, this.spec.groupSize(), headDim);
		NDArray scores = bySlot.matMul(slab.keys.get(step, inUse)).add(group.mask());
		NDArray context = softmax(scores).matMul(slab.values.get(step, inUse))
			.reshape(used, (long) this.spec.heads() * headDim);
		return context.get(new NDIndex("{}", group.slots()));
	}

	/**
	 * Sequences' KV caches of one capacity, side by side: keys {@code [layers, slots,
	 * kvHeads, dim, capacity]} (transposed, so the scores are one product) and values
	 * {@code [layers, slots, kvHeads, capacity, dim]}, layer-major, so each layer's slice
	 * over the slots in use is one contiguous operand of a batched product. Slots in use are
	 * {@code 0} to {@code used}: a sequence that leaves gives its slot to the last one. The
	 * slab doubles its slots when full and frees its memory when empty.
	 */
	private final class Slab {

		private final int capacity;

		private NDManager memory;

		private NDArray keys;

		private NDArray values;

		private KvSequence[] occupants = new KvSequence[0];

		private int used;

		Slab(int capacity) {
			this.capacity = capacity;
		}

		int acquire(KvSequence sequence) {
			if (this.used == this.occupants.length) {
				grow(Math.max(4, this.occupants.length * 2));
			}
			this.occupants[this.used] = sequence;
			return this.used++;
		}

		void release(int slot) {
			int last = this.used - 1;
			if (slot != last) {
				NDIndex from = new NDIndex().addAllDim().addIndices(last);
				NDIndex to = new NDIndex().addAllDim().addIndices(slot);
				try (NDArray movedKeys = this.keys.get(from); NDArray movedValues = this.values.get(from)) {
					this.keys.set(to, movedKeys);
					this.values.set(to, movedValues);
				}
				this.occupants[slot] = this.occupants[last];
				this.occupants[slot].slot = slot;
			}
			this.occupants[last] = null;
			this.used--;
			if (this.used == 0) {
				this.memory.close();
				this.memory = null;
				this.keys = null;
				this.values = null;
				this.occupants = new KvSequence[0];
			}
		}

		private void grow(int slots) {
			DecoderSpec spec = DecoderModel.this.spec;
			NDManager next = DecoderModel.this.manager.newSubManager();
			NDArray keys = next.zeros(new Shape(spec.layers(), slots, spec.kvHeads(), spec.headDim(), this.capacity),
					DecoderModel.this.type);
			NDArray values = next.zeros(new Shape(spec.layers(), slots, spec.kvHeads(), this.capacity, spec.headDim()),
					DecoderModel.this.type);
			if (this.used > 0) {
				NDIndex kept = new NDIndex().addAllDim().addSliceDim(0, this.used);
				keys.set(kept, this.keys.get(next, kept));
				values.set(kept, this.values.get(next, kept));
			}
			if (this.memory != null) {
				this.memory.close();
			}
			this.memory = next;
			this.keys = keys;
			this.values = values;
			this.occupants = Arrays.copyOf(this.occupants, slots);
		}

	}

	/** The slabs, by capacity: powers of two from {@value #INITIAL_CACHE} tokens. */
	private final java.util.Map<Integer, Slab> slabs = new java.util.HashMap<>();

	/**
	 * One sequence's KV cache: a slot of the slab of its capacity. Growing past it moves the
	 * sequence to the next slab, once per doubling.
	 */
	private final class KvSequence implements Sequence {

		private final int limit;

		private @Nullable Slab slab;

		private int slot = -1;

		private int length;

		KvSequence(int limit) {
			this.limit = limit;
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
			return (this.slab != null) ? this.slab.capacity : 0;
		}

		@Override
		public int allocatedAfter(int needed) {
			return (needed <= allocated()) ? allocated() : capacityFor(needed);
		}

		@Override
		public KvBlock copyKv(int from, int to) {
			synchronized (DecoderModel.this) {
				if (from < 0 || to > this.length || from >= to) {
					throw new IllegalArgumentException("tokens " + from + ".." + to + " are not in a sequence of "
							+ this.length);
				}
				NDManager copy = DecoderModel.this.manager.newSubManager();
				NDArray keys = this.slab.keys.get(copy, keyWindow(from, to)).duplicate();
				NDArray values = this.slab.values.get(copy, valueWindow(from, to)).duplicate();
				return new CopiedKv(copy, keys, values, to - from, (to - from) * kvBytesPerToken());
			}
		}

		@Override
		public void appendKv(List<KvBlock> blocks) {
			synchronized (DecoderModel.this) {
				if (this.length != 0) {
					throw new IllegalStateException("KV blocks start an empty sequence only");
				}
				int tokens = blocks.stream().mapToInt(KvBlock::tokens).sum();
				if (tokens >= this.limit) {
					throw new IllegalArgumentException("the blocks hold " + tokens + " tokens; the sequence " + this.limit);
				}
				reserve(tokens);
				// Joined first, so the copy is a few operations however many blocks.
				try (NDManager joining = DecoderModel.this.manager.newSubManager()) {
					NDList keys = new NDList();
					NDList values = new NDList();
					for (KvBlock block : blocks) {
						keys.add(((CopiedKv) block).keys);
						values.add(((CopiedKv) block).values);
					}
					NDArray joinedKeys = (keys.size() == 1) ? keys.get(0) : NDArrays.concat(keys, 3);
					NDArray joinedValues = (values.size() == 1) ? values.get(0) : NDArrays.concat(values, 2);
					if (keys.size() > 1) {
						joinedKeys.attach(joining);
						joinedValues.attach(joining);
					}
					this.slab.keys.set(keyWindow(0, tokens), joinedKeys);
					this.slab.values.set(valueWindow(0, tokens), joinedValues);
				}
				this.length = tokens;
			}
		}

		@Override
		public void close() {
			synchronized (DecoderModel.this) {
				if (this.slab != null) {
					this.slab.release(this.slot);
					this.slab = null;
					this.slot = -1;
				}
			}
		}

		/**
		 * Writes this sequence's new keys and values into its cache and attends its queries
		 * to everything cached so far: the path of prompt chunks, and of a slab's lone
		 * decoding sequence; a single row is rearranged by reshapes alone.
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
			this.slab.keys.set(keyWindow(layer, start, total),
					single ? key.reshape(kvHeads, headDim, 1) : key.transpose(1, 2, 0));
			this.slab.values.set(valueWindow(layer, start, total),
					single ? value.reshape(kvHeads, 1, headDim) : value.transpose(1, 0, 2));
			NDArray keys = this.slab.keys.get(step, keyWindow(layer, 0, total));
			NDArray values = this.slab.values.get(step, valueWindow(layer, 0, total));
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

		/** Moves the sequence to a slab that holds {@code needed} tokens, if its own does not. */
		void reserve(int needed) {
			if (needed <= allocated()) {
				return;
			}
			int capacity = capacityFor(needed);
			Slab next = DecoderModel.this.slabs.computeIfAbsent(capacity, Slab::new);
			int slot = next.acquire(this);
			if (this.slab != null) {
				if (this.length > 0) {
					NDIndex oldKeys = new NDIndex().addAllDim().addIndices(this.slot).addAllDim().addAllDim()
						.addSliceDim(0, this.length);
					NDIndex oldValues = new NDIndex().addAllDim().addIndices(this.slot).addAllDim()
						.addSliceDim(0, this.length);
					NDIndex newKeys = new NDIndex().addAllDim().addIndices(slot).addAllDim().addAllDim()
						.addSliceDim(0, this.length);
					NDIndex newValues = new NDIndex().addAllDim().addIndices(slot).addAllDim().addSliceDim(0, this.length);
					try (NDArray keys = this.slab.keys.get(oldKeys); NDArray values = this.slab.values.get(oldValues)) {
						next.keys.set(newKeys, keys);
						next.values.set(newValues, values);
					}
				}
				this.slab.release(this.slot);
			}
			this.slab = next;
			this.slot = slot;
		}

		/** Tokens {@code from} up to {@code to} of every layer's keys: {@code [layers, kvHeads, dim, tokens]}. */
		private NDIndex keyWindow(int from, int to) {
			return new NDIndex().addAllDim().addIndices(this.slot).addAllDim().addAllDim().addSliceDim(from, to);
		}

		/** Tokens {@code from} up to {@code to} of every layer's values: {@code [layers, kvHeads, tokens, dim]}. */
		private NDIndex valueWindow(int from, int to) {
			return new NDIndex().addAllDim().addIndices(this.slot).addAllDim().addSliceDim(from, to);
		}

		/** The same, of one layer. */
		private NDIndex keyWindow(int layer, int from, int to) {
			return new NDIndex().addIndices(layer).addIndices(this.slot).addAllDim().addAllDim().addSliceDim(from, to);
		}

		private NDIndex valueWindow(int layer, int from, int to) {
			return new NDIndex().addIndices(layer).addIndices(this.slot).addAllDim().addSliceDim(from, to);
		}

		/** Powers of two from {@value #INITIAL_CACHE}, so sequences of like length share slabs. */
		private int capacityFor(int needed) {
			if (needed > this.limit) {
				throw new IllegalArgumentException("needs " + needed + " tokens; the sequence holds " + this.limit);
			}
			return Math.max(INITIAL_CACHE, Integer.highestOneBit(Math.max(1, needed - 1)) << 1);
		}

	}

	/**
	 * KV copied out of a sequence, keys {@code [layers, kvHeads, dim, tokens]} and values
	 * {@code [layers, kvHeads, tokens, dim]}, in a manager of its own.
	 */
	private record CopiedKv(NDManager memory, NDArray keys, NDArray values, int tokens, long bytes) implements KvBlock {

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
