package dev.enclave.inference.internal.engine;

import java.util.Map;
import java.util.TreeSet;

import dev.enclave.inference.internal.checkpoint.CheckpointException;

/** The architectures the engine runs, by the {@code model_type} of {@code config.json}. */
final class Architectures {

	private static final Map<String, Architecture> BY_MODEL_TYPE = Map.of("llama", new LlamaArchitecture(),
			"mistral", new MistralArchitecture(), "qwen2", new Qwen2Architecture(), "chatglm", new Glm4Architecture());

	private Architectures() {
	}

	static Architecture of(String modelType) {
		Architecture architecture = BY_MODEL_TYPE.get(modelType);
		if (architecture == null) {
			throw new CheckpointException("config.json declares model_type '" + modelType + "'; Enclave runs "
					+ String.join(", ", new TreeSet<>(BY_MODEL_TYPE.keySet())));
		}
		return architecture;
	}

}
