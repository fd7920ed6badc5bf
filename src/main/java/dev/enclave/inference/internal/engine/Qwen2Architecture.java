package dev.enclave.inference.internal.engine;

import dev.enclave.inference.internal.checkpoint.CheckpointException;

/**
 * Qwen2 ({@code Qwen2ForCausalLM}): the LLaMA layout where the query, key and value
 * projections always carry a bias and the output projection never does.
 */
final class Qwen2Architecture extends LlamaArchitecture {

	@Override
	protected boolean qkvBias(ConfigReader config) {
		return true;
	}

	@Override
	protected boolean outputBias(ConfigReader config) {
		return false;
	}

	@Override
	protected int maxPositions(ConfigReader config) {
		if (config.flag("use_sliding_window", false)) {
			throw new CheckpointException("config.json sets use_sliding_window; Enclave runs Qwen2 with full attention");
		}
		return super.maxPositions(config);
	}

}
