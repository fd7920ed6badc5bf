package dev.enclave.inference.internal;

import java.util.List;
import java.util.concurrent.Callable;

import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.internal.generation.GenerationRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Renders prompts for local models with the model's chat template and tokenizer on the
 * bounded {@code prompts} scheduler; a fitted conversation's last render is the one the
 * engine runs.
 */
final class TemplatePromptRenderer implements PromptRenderer {

	private final ModelRegistry registry;

	private final PromptWork work;

	TemplatePromptRenderer(ModelRegistry registry, PromptWork work) {
		this.registry = registry;
		this.work = work;
	}

	@Override
	public Mono<RenderedPrompt> render(Prompt prompt) {
		return onScheduler(() -> {
			ServedModel model = this.registry.require(modelOf(prompt.getOptions()));
			return rendered(model, prompt.getInstructions(), prompt.getOptions(),
					ChatRequests.tokens(model, prompt.getInstructions(), prompt.getOptions()));
		});
	}

	@Override
	public Mono<RenderedPrompt> fit(Prompt prompt) {
		return onScheduler(() -> {
			ChatOptions options = prompt.getOptions();
			ServedModel model = this.registry.require(modelOf(options));
			int context = model.model().maxContext();
			PromptFitting.Fitted<int[]> fitted = PromptFitting.fit(prompt.getInstructions(),
					PromptFitting.budget(context, ChatRequests.requestedMaxTokens(model, options)),
					(messages) -> ChatRequests.tokens(model, messages, options), (tokens) -> tokens.length, model.name(),
					context);
			return rendered(model, fitted.messages(), options, fitted.rendering());
		});
	}

	@Override
	public int contextSize(@Nullable String model) {
		return this.registry.require(model).model().maxContext();
	}

	@Override
	public Mono<Integer> textTokens(String model, String text) {
		if (text.isEmpty()) {
			return Mono.just(0);
		}
		return onScheduler(() -> this.registry.require(model).tokenizer().encode(text).length);
	}

	private static RenderedPrompt rendered(ServedModel model, List<Message> messages, @Nullable ChatOptions options,
			int[] tokens) {
		GenerationRequest request = ChatRequests.of(model, tokens, options);
		ChatOptions settled = ((options != null) ? options.mutate() : ChatOptions.builder()).model(model.name())
			.maxTokens(request.maxTokens())
			.build();
		return new RenderedChatPrompt(List.copyOf(messages), settled, model.name(), request);
	}

	private <T> Mono<T> onScheduler(Callable<T> task) {
		return this.work.run(task);
	}

	private static @Nullable String modelOf(@Nullable ChatOptions options) {
		return (options != null) ? options.getModel() : null;
	}

}
