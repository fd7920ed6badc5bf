package dev.enclave.inference.internal;

import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/** The prompt renderer other modules talk to: each prompt is prepared by its model's engine. */
final class RoutingPromptRenderer implements PromptRenderer {

	private final Models models;

	private final PromptRenderer local;

	private final PromptRenderer remote;

	RoutingPromptRenderer(Models models, PromptRenderer local, PromptRenderer remote) {
		this.models = models;
		this.local = local;
		this.remote = remote;
	}

	@Override
	public Mono<RenderedPrompt> render(Prompt prompt) {
		return Mono.defer(() -> engine(prompt.getOptions()).render(prompt));
	}

	@Override
	public Mono<RenderedPrompt> fit(Prompt prompt) {
		return Mono.defer(() -> engine(prompt.getOptions()).fit(prompt));
	}

	@Override
	public int contextSize(@Nullable String model) {
		return (this.models.isRemote(model) ? this.remote : this.local).contextSize(model);
	}

	@Override
	public Mono<Integer> textTokens(String model, String text) {
		return Mono.defer(() -> (this.models.isRemote(model) ? this.remote : this.local).textTokens(model, text));
	}

	private PromptRenderer engine(@Nullable ChatOptions options) {
		return this.models.isRemote((options != null) ? options.getModel() : null) ? this.remote : this.local;
	}

}
