package dev.enclave.inference.internal.engine;

/**
 * Mistral: the LLaMA layout with sliding-window attention. Within one window sliding and
 * full attention are the same computation, so the context is capped at the window instead
 * of implementing the slide.
 */
final class MistralArchitecture extends LlamaArchitecture {

	@Override
	protected int maxPositions(ConfigReader config) {
		int positions = super.maxPositions(config);
		int window = config.integer("sliding_window", Integer.MAX_VALUE);
		return Math.min(positions, window);
	}

}
