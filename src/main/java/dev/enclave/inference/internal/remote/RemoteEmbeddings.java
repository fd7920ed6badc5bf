package dev.enclave.inference.internal.remote;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelKind;
import dev.enclave.inference.TextEmbeddings;
import dev.enclave.inference.internal.PromptWork;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeddings on the model servers: {@code POST /embeddings} on one of the model's servers,
 * chosen like a chat request's, and once more on another if the first fails in a way another
 * might not. The answer must hold one vector per input, or it is the server's error.
 */
public final class RemoteEmbeddings implements TextEmbeddings {

	private static final Logger log = LoggerFactory.getLogger(RemoteEmbeddings.class);

	/** OpenAI's limit on inputs per request. */
	static final int MAX_INPUTS = 2048;

	private static final Set<String> OWN_FIELDS = Set.of("model", "input", "user");

	private final RemoteModels models;

	private final PromptWork work;

	private final JsonMapper json;

	private final UpstreamMetrics metrics;

	public RemoteEmbeddings(RemoteModels models, PromptWork work, JsonMapper json, UpstreamMetrics metrics) {
		this.models = models;
		this.work = work;
		this.json = json;
		this.metrics = metrics;
	}

	@Override
	public Mono<EmbeddingInput> prepare(@Nullable String model, @Nullable JsonNode input) {
		return this.work.run(() -> {
			RemoteModel embedding = this.models.require(model, ModelKind.EMBEDDING);
			return count(embedding, input);
		});
	}

	@Override
	public Mono<EmbeddingResult> embed(EmbeddingInput input, Map<String, JsonNode> extraBody) {
		return Mono.defer(() -> {
			RemoteModel model = this.models.require(input.model(), ModelKind.EMBEDDING);
			ObjectNode body = this.json.createObjectNode();
			extraBody.forEach((field, value) -> {
				if (!OWN_FIELDS.contains(field)) {
					body.set(field, value);
				}
			});
			body.put("model", model.name());
			body.set("input", input.input());
			return attempt(model, input, body, new HashSet<>(), 2, null);
		});
	}

	private Mono<EmbeddingResult> attempt(RemoteModel model, EmbeddingInput input, ObjectNode body, Set<Backend> tried,
			int attemptsLeft, @Nullable UpstreamFailure previous) {
		Backend backend = this.models.choose(model, tried);
		if (backend == null) {
			return Mono.error((previous != null) ? previous.toApi(model.name()) : this.models.unavailable(model));
		}
		tried.add(backend);
		return backend.postJson("/embeddings", body)
			.map((answer) -> result(model, input, answer))
			.doOnSuccess((result) -> this.metrics.request(backend.name(), "ok"))
			.onErrorResume((error) -> {
				UpstreamFailure failure = UpstreamFailure.of(error);
				if (failure.kind() == UpstreamFailure.Kind.NOT_ASKED) {
					return attempt(model, input, body, tried, attemptsLeft, (previous != null) ? previous : failure);
				}
				this.metrics.request(backend.name(), failure.kind().name().toLowerCase(java.util.Locale.ROOT));
				log.atWarn()
					.addKeyValue("backend", backend.name())
					.addKeyValue("model", model.name())
					.addKeyValue("failure", failure.kind().name())
					.log("An embeddings request to model server {} failed: {}", backend.name(), failure.getMessage());
				if (!failure.retryable() || attemptsLeft <= 1) {
					return Mono.error(failure.toApi(model.name()));
				}
				this.metrics.failover(model.name());
				return attempt(model, input, body, tried, attemptsLeft - 1, failure);
			});
	}

	private static EmbeddingResult result(RemoteModel model, EmbeddingInput input, JsonNode answer) {
		JsonNode data = answer.path("data");
		if (!data.isArray() || data.size() != input.inputs()) {
			throw UpstreamFailure.malformed("an embeddings answer without one vector per input");
		}
		JsonNode usage = answer.path("usage").path("prompt_tokens");
		return new EmbeddingResult(model.name(), data, usage.isInt() ? usage.asInt() : input.tokens());
	}

	/** Checks the input's shape and counts it, naming the part that is wrong. */
	private static EmbeddingInput count(RemoteModel model, @Nullable JsonNode input) {
		if (input == null || input.isNull()) {
			throw ApiException.invalidParam("input", "input is required");
		}
		if (input.isString()) {
			return new EmbeddingInput(model.name(), input, 1, text(model, input, "input"));
		}
		if (!input.isArray() || input.isEmpty()) {
			throw ApiException.invalidParam("input",
					"input must be a string, a non-empty list of strings, or token ids");
		}
		if (input.size() > MAX_INPUTS) {
			throw ApiException.invalidParam("input", "At most " + MAX_INPUTS + " inputs are allowed per request");
		}
		JsonNode first = input.get(0);
		if (first.isIntegralNumber()) {
			tokenIds(input, "input");
			return new EmbeddingInput(model.name(), input, 1, input.size());
		}
		int tokens = 0;
		for (int i = 0; i < input.size(); i++) {
			JsonNode item = input.get(i);
			String at = "input[" + i + "]";
			if (first.isString() && item.isString()) {
				tokens += text(model, item, at);
			}
			else if (first.isArray() && item.isArray() && !item.isEmpty()) {
				tokenIds(item, at);
				tokens += item.size();
			}
			else {
				throw ApiException.invalidParam(at, "must be " + (first.isArray() ? "a non-empty list of token ids"
						: "a non-empty string") + ", like the other inputs");
			}
		}
		return new EmbeddingInput(model.name(), input, input.size(), tokens);
	}

	private static int text(RemoteModel model, JsonNode text, String at) {
		if (text.asString().isEmpty()) {
			throw ApiException.invalidParam(at, "must not be empty");
		}
		return model.counter().text(text.asString());
	}

	private static void tokenIds(JsonNode ids, String at) {
		for (int j = 0; j < ids.size(); j++) {
			if (!ids.get(j).isIntegralNumber() || ids.get(j).asLong() < 0) {
				throw ApiException.invalidParam(at + "[" + j + "]", "must be a token id (a whole number, at least 0)");
			}
		}
	}

}
