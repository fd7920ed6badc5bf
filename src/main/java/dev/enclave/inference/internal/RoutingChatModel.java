package dev.enclave.inference.internal;

import dev.enclave.inference.InferenceChatOptions;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The chat port other modules talk to: a request for a local model goes to the local
 * engine, one for a model on a model server to the servers.
 */
final class RoutingChatModel implements ChatModel, StreamingChatModel {

	private final Models models;

	private final DjlChatModel local;

	private final ChatModel remote;

	RoutingChatModel(Models models, DjlChatModel local, ChatModel remote) {
		this.models = models;
		this.local = local;
		this.remote = remote;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		return engine(prompt).call(prompt);
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> engine(prompt).stream(prompt));
	}

	@Override
	public ChatOptions getDefaultOptions() {
		return InferenceChatOptions.builder().model(this.models.defaultModel()).build();
	}

	private ChatModel engine(Prompt prompt) {
		ChatOptions options = prompt.getOptions();
		return this.models.isRemote((options != null) ? options.getModel() : null) ? this.remote : this.local;
	}

}
