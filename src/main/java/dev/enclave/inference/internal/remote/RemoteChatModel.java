package dev.enclave.inference.internal.remote;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.enclave.inference.ModelKind;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.shared.Mapped;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Chat with a model on the servers behind Enclave, through Spring AI's port. Every request
 * is streamed from the server, whatever the client asked for, so the answer is counted as it
 * comes and a client that leaves stops the server's work (cancelling closes the
 * connection). A request that fails before its first token (server down, 5xx, 429, a
 * timeout, a broken first chunk) is tried once more on another server of the model; after
 * the first token it never is, since the client has seen part of an answer: the stream ends
 * with the error.
 */
public final class RemoteChatModel implements StreamingChatModel {

	private static final Logger log = LoggerFactory.getLogger(RemoteChatModel.class);

	/** Requests actually sent per turn: the first server and one other. */
	private static final int ATTEMPTS = 2;

	private final RemoteModels models;

	private final ChatBodies bodies;

	private final UpstreamMetrics metrics;

	public RemoteChatModel(RemoteModels models, tools.jackson.databind.json.JsonMapper json, UpstreamMetrics metrics) {
		this.models = models;
		this.bodies = new ChatBodies(json);
		this.metrics = metrics;
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			ChatOptions options = prompt.getOptions();
			RemoteModel model = this.models.require((options != null) ? options.getModel() : null, ModelKind.CHAT);
			ObjectNode body = this.bodies.request(model.name(), prompt);
			return attempt(model, body, new HashSet<>(), ATTEMPTS, null);
		});
	}

	private Flux<ChatResponse> attempt(RemoteModel model, ObjectNode body, Set<Backend> tried, int attemptsLeft,
			@Nullable UpstreamFailure previous) {
		Backend backend = this.models.choose(model, tried);
		if (backend == null) {
			return Flux.error((previous != null) ? previous.toApi(model.name()) : this.models.unavailable(model));
		}
		tried.add(backend);
		AtomicBoolean started = new AtomicBoolean();
		return Mapped.dropNulls(backend.streamChat(body), (chunk) -> {
			ChatResponse response = this.bodies.chunk(chunk, model.name());
			if (response != null && !started.get() && firstToken(response)) {
				started.set(true);
			}
			return response;
		})
			.doOnComplete(() -> this.metrics.request(backend.name(), "ok"))
			.doOnCancel(() -> this.metrics.request(backend.name(), "cancelled"))
			.onErrorResume((error) -> {
				UpstreamFailure failure = UpstreamFailure.of(error);
				if (failure.kind() != UpstreamFailure.Kind.NOT_ASKED) {
					this.metrics.request(backend.name(), failure.kind().name().toLowerCase(java.util.Locale.ROOT));
					// Names and kinds only: never the body, the prompt or the server's message.
					log.atWarn()
						.addKeyValue("backend", backend.name())
						.addKeyValue("model", model.name())
						.addKeyValue("failure", failure.kind().name())
						.log("A request to model server {} failed: {}", backend.name(), failure.getMessage());
				}
				if (started.get() || !failure.retryable()) {
					return Flux.error(failure.toApi(model.name()));
				}
				if (failure.kind() == UpstreamFailure.Kind.NOT_ASKED) {
					// Skipping a server that was not asked costs no attempt.
					return attempt(model, body, tried, attemptsLeft, (previous != null) ? previous : failure);
				}
				if (attemptsLeft <= 1) {
					return Flux.error(failure.toApi(model.name()));
				}
				this.metrics.failover(model.name());
				return attempt(model, body, tried, attemptsLeft - 1, failure);
			});
	}

	/** The first token the client sees: text, a tool call, or the end of an empty answer. */
	private static boolean firstToken(ChatResponse chunk) {
		Generation generation = chunk.getResult();
		boolean text = generation != null && generation.getOutput().getText() != null
				&& !generation.getOutput().getText().isEmpty();
		boolean finished = generation != null && generation.getMetadata().getFinishReason() != null;
		return text || finished || !ToolCallDelta.of(chunk).isEmpty() || !PassthroughFields.of(chunk).isEmpty();
	}

}
