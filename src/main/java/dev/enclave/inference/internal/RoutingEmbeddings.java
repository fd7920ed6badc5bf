package dev.enclave.inference.internal;

import java.util.Map;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.TextEmbeddings;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The embeddings other modules talk to. Only models on the servers embed; a local model is a
 * chat model and says so.
 */
final class RoutingEmbeddings implements TextEmbeddings {

	private final ModelRegistry local;

	private final TextEmbeddings remote;

	RoutingEmbeddings(ModelRegistry local, TextEmbeddings remote) {
		this.local = local;
		this.remote = remote;
	}

	@Override
	public Mono<EmbeddingInput> prepare(@Nullable String model, @Nullable JsonNode input) {
		return Mono.defer(() -> {
			if (model == null || model.isBlank()) {
				return Mono.error(ApiException.invalidParam("model", "model is required"));
			}
			if (this.local.knows(model)) {
				return Mono.error(ApiException.invalidParam("model", "Model '" + model
						+ "' is a chat model; use /v1/chat/completions"));
			}
			return this.remote.prepare(model, input);
		});
	}

	@Override
	public Mono<EmbeddingResult> embed(EmbeddingInput input, Map<String, JsonNode> extraBody) {
		return this.remote.embed(input, extraBody);
	}

}
