package dev.enclave.inference.internal.engine;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.enclave.inference.internal.checkpoint.CheckpointException;
import dev.enclave.inference.internal.checkpoint.SafetensorsFile;
import dev.enclave.inference.internal.checkpoint.TensorInfo;
import dev.enclave.inference.internal.checkpoint.TensorType;
import dev.enclave.inference.internal.checkpoint.WeightFiles;

/**
 * Moves tensors from memory-mapped safetensors shards into PyTorch memory on the model's
 * device, converted to the compute type. Tensors are copied in row blocks of at most
 * {@link #BLOCK_BYTES}, so neither a mapping nor a staging buffer ever nears the 2 GiB a
 * Java buffer can address, and the heap is never involved.
 *
 * <p>DJL's PyTorch binding wraps a direct buffer without copying it and cannot create
 * bfloat16 tensors at all (0.35.1 aborts the process), so F32 and F16 blocks are wrapped in
 * place and copied by PyTorch, while BF16 blocks are widened to F32 here, which is exact.
 */
final class TensorLoader {

	static final long BLOCK_BYTES = 128L * 1024 * 1024;

	private final WeightFiles weights;

	private final NDManager target;

	private final DataType computeType;

	TensorLoader(WeightFiles weights, NDManager target, DataType computeType) {
		this.weights = weights;
		this.target = target;
		this.computeType = computeType;
	}

	boolean has(String name) {
		return this.weights.contains(name);
	}

	/** Loads {@code name} in the compute type, checking its shape against config.json. */
	NDArray load(String name, long... expected) {
		return load(name, this.computeType, expected);
	}

	/**
	 * Loads {@code name} in float32 whatever the compute type: norm weights, which scale the
	 * float32 residual stream.
	 */
	NDArray loadFloat32(String name, long... expected) {
		return load(name, DataType.FLOAT32, expected);
	}

	private NDArray load(String name, DataType type, long... expected) {
		TensorInfo info = this.weights.info(name);
		if (!Arrays.equals(info.shape(), expected)) {
			throw new CheckpointException("tensor " + name + " has shape " + Arrays.toString(info.shape())
					+ " but config.json implies " + Arrays.toString(expected));
		}
		if (!info.type().loadable()) {
			throw new CheckpointException("tensor " + name + " is " + info.type()
					+ "; Enclave loads F32, F16 and BF16 weights");
		}
		if (info.elements() == 0) {
			throw new CheckpointException("tensor " + name + " is empty");
		}
		SafetensorsFile file = this.weights.file(name);
		long rows = (expected.length == 0) ? 1 : expected[0];
		long rowElements = info.elements() / rows;
		long rowsPerBlock = Math.max(1, BLOCK_BYTES / (rowElements * 4));
		try (NDManager staging = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
			NDList blocks = new NDList();
			for (long row = 0; row < rows; row += rowsPerBlock) {
				long count = Math.min(rowsPerBlock, rows - row);
				long[] shape = expected.clone();
				if (shape.length > 0) {
					shape[0] = count;
				}
				blocks.add(block(file, info, row * rowElements, count * rowElements, new Shape(shape), staging));
			}
			NDArray whole = (blocks.size() == 1) ? blocks.singletonOrThrow() : NDArrays.concat(blocks, 0);
			NDArray result = whole.toDevice(this.target.getDevice(), false).toType(type, false);
			// Staging memory is freed with its manager; the result moves to the model's.
			result.attach(this.target);
			return result;
		}
	}

	/** Stacks {@code parts} along their rows into one tensor and frees the parts. */
	NDArray concat(NDArray... parts) {
		NDArray joined = NDArrays.concat(new NDList(parts), 0);
		joined.attach(this.target);
		for (NDArray part : parts) {
			part.close();
		}
		return joined;
	}

	private NDArray block(SafetensorsFile file, TensorInfo info, long firstElement, long elements, Shape shape,
			NDManager staging) {
		TensorType type = info.type();
		ByteBuffer mapped = file.map(info, firstElement * type.bytes(), elements * type.bytes());
		ByteBuffer data;
		DataType source;
		if (type == TensorType.BF16) {
			data = widenBf16(mapped, Math.toIntExact(elements));
			source = DataType.FLOAT32;
		}
		else {
			boolean aligned = (info.offset() + firstElement * type.bytes()) % type.bytes() == 0;
			data = aligned ? mapped : copyAligned(mapped);
			source = (type == TensorType.F32) ? DataType.FLOAT32 : DataType.FLOAT16;
		}
		try {
			// The wrapped tensor aliases Java-owned memory; clone it into PyTorch-owned memory
			// and drop the alias before that memory can go away.
			NDArray wrapped = staging.create(data, shape, source);
			NDArray copy = wrapped.duplicate();
			wrapped.close();
			return copy;
		}
		finally {
			Reference.reachabilityFence(mapped);
			Reference.reachabilityFence(data);
		}
	}

	/** BF16 is the upper half of an F32, so widening is a shift and loses nothing. */
	private static ByteBuffer widenBf16(ByteBuffer bf16, int elements) {
		ByteBuffer wide = ByteBuffer.allocateDirect(elements * 4).order(ByteOrder.nativeOrder());
		ShortBuffer in = bf16.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
		FloatBuffer out = wide.asFloatBuffer();
		for (int i = 0; i < elements; i++) {
			out.put(i, Float.intBitsToFloat((in.get(i) & 0xFFFF) << 16));
		}
		return wide;
	}

	private static ByteBuffer copyAligned(ByteBuffer source) {
		ByteBuffer copy = ByteBuffer.allocateDirect(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
		copy.put(source.duplicate());
		return copy.flip();
	}

}
