package dev.enclave.inference.internal;

import java.util.List;

import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.observability.EnclaveObservation;
import dev.enclave.observability.Observed;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The chat port other modules talk to: a request for a local model goes to the local
 * engine, one for a model on a model server to the servers. Each answer is one
 * {@code enclave.inference.generation} span (the model's name and the engine, never the prompt).
 */
final class RoutingChatModel implements ChatModel, StreamingChatModel {

	private final Models models;

	private final StreamingChatModel local;

	private final StreamingChatModel remote;

	private final ObservationRegistry observations;

	RoutingChatModel(Models models, ObservationRegistry observations, StreamingChatModel local,
			StreamingChatModel remote) {
		this.models = models;
		this.observations = observations;
		this.local = local;
		this.remote = remote;
	}

	/** The whole answer: the stream's text joined, with the last chunk's finish and usage. Blocks: never on an event loop. */
	@Override
	public ChatResponse call(Prompt prompt) {
		List<ChatResponse> chunks = stream(prompt).collectList().block();
		StringBuilder text = new StringBuilder();
		ChatResponse last = null;
		for (ChatResponse chunk : chunks) {
			if (chunk.getResult() != null && chunk.getResult().getOutput().getText() != null) {
				text.append(chunk.getResult().getOutput().getText());
			}
			last = chunk;
		}
		if (last == null) {
			throw new IllegalStateException("The engine answered nothing");
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text.toString()),
				last.getResult().getMetadata())), last.getMetadata());
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			ChatOptions options = prompt.getOptions();
			String requested = (options != null) ? options.getModel() : null;
			// isRemote refuses a name no engine knows, so the tag below is a configured name or alias.
			boolean remote = this.models.isRemote(requested);
			String model = (requested == null || requested.isBlank()) ? this.models.defaultModel() : requested;
			KeyValues tags = KeyValues.of(EnclaveMeter.Tags.MODEL.asString(), model,
					EnclaveMeter.Tags.ENGINE.asString(), remote ? "remote" : "local");
			return Observed.flux(this.observations, EnclaveObservation.GENERATION, tags,
					(remote ? this.remote : this.local).stream(prompt));
		});
	}

	@Override
	public ChatOptions getDefaultOptions() {
		return InferenceChatOptions.builder().model(this.models.defaultModel()).build();
	}

}
