package dev.enclave.inference.internal;

import ai.djl.Device;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.scheduler.SchedulerLimits;

/**
 * A replica's scheduler limits from the settings and its device: the per-device defaults of
 * {@code max-num-seqs} and {@code max-batched-tokens}, and its KV budget, measured on a GPU
 * ({@code gpu-memory-utilization} of the device, less what the weights and everything else
 * already hold), configured on the CPU; the prefix cache comes out of that budget.
 */
final class SchedulerSizing {

	static final int CPU_MAX_NUM_SEQS = 16;

	static final int CPU_MAX_BATCHED_TOKENS = 128;

	static final int GPU_MAX_NUM_SEQS = 256;

	static final int GPU_MAX_BATCHED_TOKENS = 4096;

	private SchedulerSizing() {
	}

	static SchedulerLimits limits(InferenceSettings settings, DecoderModel replica, DeviceMemory memory) {
		Device device = replica.device();
		boolean gpu = device.isGpu();
		int seqs = (settings.maxNumSeqs() > 0) ? settings.maxNumSeqs() : (gpu ? GPU_MAX_NUM_SEQS : CPU_MAX_NUM_SEQS);
		int tokens = (settings.maxBatchedTokens() > 0) ? settings.maxBatchedTokens()
				: Math.max(seqs, gpu ? GPU_MAX_BATCHED_TOKENS : CPU_MAX_BATCHED_TOKENS);
		return new SchedulerLimits(seqs, tokens, kvTokens(settings, replica, memory), settings.maxQueue(),
				settings.queueTimeout().interactive(), settings.queueTimeout().batch(), settings.batchAging());
	}

	/** Tokens of KV cache a replica's running sequences may hold, at least one. */
	static long kvTokens(InferenceSettings settings, DecoderModel replica, DeviceMemory memory) {
		Device device = replica.device();
		long budget;
		if (device.isGpu()) {
			long total = memory.total(device);
			long held = total - memory.available(device);
			budget = (long) (settings.gpuMemoryUtilization() * total) - held;
		}
		else {
			budget = settings.cpuKvCache().toBytes();
		}
		budget -= settings.prefixCache().toBytes();
		return Math.max(1, budget / Math.max(1, replica.kvBytesPerToken()));
	}

}
