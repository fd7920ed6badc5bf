package dev.enclave.inference.internal.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.inference.internal.checkpoint.Checkpoint;

/**
 * What a model needs on a device before it is loaded, from its checkpoint's tensor shapes
 * and config: the weights at the compute type, and the KV cache of one sequence as long as
 * the context, the least that lets it answer at all.
 *
 * @param weightBytes every weight at the compute type
 * @param kvBytesPerToken KV cache one token of one sequence takes
 * @param context the longest sequence it will serve
 */
public record MemoryPlan(long weightBytes, long kvBytesPerToken, int context) {

	public static MemoryPlan of(Checkpoint checkpoint, DataType type, int requestedContext) {
		String modelType = new ConfigReader(checkpoint.config()).text("model_type", "");
		DecoderSpec spec = Architectures.of(modelType).spec(checkpoint.config());
		int context = (requestedContext > 0) ? Math.min(requestedContext, spec.maxPositions()) : spec.maxPositions();
		long elements = 0;
		for (String name : checkpoint.weights().names()) {
			elements += checkpoint.weights().info(name).elements();
		}
		long kv = 2L * spec.layers() * spec.kvHeads() * spec.headDim() * type.getNumOfBytes();
		return new MemoryPlan(elements * type.getNumOfBytes(), kv, context);
	}

	/** The least the device must have free: the weights and one full-context sequence. */
	public long minimumBytes() {
		return this.weightBytes + this.kvBytesPerToken * this.context;
	}

	/**
	 * The hardware preflight: refuses, naming both numbers and the ways out, when the device
	 * cannot hold the model, instead of running out of memory half-way through loading.
	 * @throws InsufficientMemoryException on a shortfall
	 */
	public void check(String model, Device device, String dtype, DeviceMemory memory) {
		long available = memory.available(device);
		if (available < minimumBytes()) {
			throw new InsufficientMemoryException("Model " + model + " needs " + gib(minimumBytes()) + " on " + device
					+ " (" + gib(this.weightBytes) + " of " + dtype + " weights and " + gib(this.kvBytesPerToken * this.context)
					+ " of KV cache for one " + this.context + "-token sequence), but " + gib(available)
					+ " is free there. Ways out: dtype float16 (half the weights of float32), another GPU, the CPU, "
					+ "a shorter max-context, or a remote backend serving the model.");
		}
	}

	static String gib(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
	}

}
