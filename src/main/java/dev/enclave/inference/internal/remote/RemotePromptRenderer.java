package dev.enclave.inference.internal.remote;

import java.util.List;
import java.util.concurrent.Callable;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelKind;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.internal.CountedPrompt;
import dev.enclave.inference.internal.PromptFitting;
import dev.enclave.inference.internal.PromptWork;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Prepares prompts for remote models: counts them (see {@link PromptCounter}) on the
 * {@code prompts} scheduler, settles the most the answer may cost, and fits a stored
 * conversation into the model's context. The prompt goes to the server as its messages;
 * the server renders it. A {@code max_tokens} beyond the context is refused here only when
 * the count is the server's own, since an estimate could refuse a request that fits.
 */
public final class RemotePromptRenderer implements PromptRenderer {

	/** The longest prompt estimated on the caller's thread, in characters and messages. */
	private static final int SHORT_CHARS = 16 * 1024;

	private static final int SHORT_MESSAGES = 64;

	private final RemoteModels models;

	private final PromptWork work;

	public RemotePromptRenderer(RemoteModels models, PromptWork work) {
		this.models = models;
		this.work = work;
	}

	@Override
	public Mono<RenderedPrompt> render(Prompt prompt) {
		return Mono.defer(() -> {
			RemoteModel model = model(prompt.getOptions());
			Callable<RenderedPrompt> rendering = () -> {
				Integer requested = requestedMaxTokens(model, prompt.getOptions());
				int tokens = model.counter().prompt(prompt.getInstructions(), prompt.getOptions());
				return rendered(model, prompt.getInstructions(), prompt.getOptions(), tokens, requested);
			};
			// Estimating a short prompt is a few microseconds of arithmetic: less than the hop to
			// the prompts scheduler and back would cost. A tokenizer, or a long prompt, goes there.
			return (model.counter().estimates() && isShort(prompt.getInstructions())) ? Mono.fromCallable(rendering)
					: this.work.run(rendering);
		});
	}

	private static boolean isShort(List<Message> messages) {
		if (messages.size() > SHORT_MESSAGES) {
			return false;
		}
		long chars = 0;
		for (Message message : messages) {
			String text = message.getText();
			chars += (text != null) ? text.length() : 0;
		}
		return chars <= SHORT_CHARS;
	}

	@Override
	public Mono<RenderedPrompt> fit(Prompt prompt) {
		return this.work.run(() -> {
			ChatOptions options = prompt.getOptions();
			RemoteModel model = model(options);
			Integer requested = requestedMaxTokens(model, options);
			int context = model.context();
			PromptFitting.Fitted<Integer> fitted = PromptFitting.fit(prompt.getInstructions(),
					PromptFitting.budget(context, requested), (messages) -> model.counter().prompt(messages, options),
					Integer::intValue, model.name(), context);
			return rendered(model, fitted.messages(), options, fitted.rendering(), requested);
		});
	}

	@Override
	public int contextSize(@Nullable String model) {
		return this.models.require(model, ModelKind.CHAT).context();
	}

	@Override
	public Mono<Integer> textTokens(String model, String text) {
		if (text.isEmpty()) {
			return Mono.just(0);
		}
		return this.work.run(() -> this.models.require(model, ModelKind.CHAT).counter().text(text));
	}

	private RemoteModel model(@Nullable ChatOptions options) {
		return this.models.require((options != null) ? options.getModel() : null, ModelKind.CHAT);
	}

	private static @Nullable Integer requestedMaxTokens(RemoteModel model, @Nullable ChatOptions options) {
		Integer requested = (options != null) ? options.getMaxTokens() : null;
		if (requested != null && requested < 1) {
			throw ApiException.invalidParam("max_tokens", "max_tokens must be at least 1");
		}
		if (requested != null && model.counter().exact() && requested >= model.context()) {
			throw ApiException.invalidParam("max_tokens", "max_tokens is " + requested + ", but model '" + model.name()
					+ "' holds " + model.context() + " tokens of conversation and answer together");
		}
		return requested;
	}

	private static RenderedPrompt rendered(RemoteModel model, List<Message> messages, @Nullable ChatOptions options,
			int tokens, @Nullable Integer requested) {
		int context = model.context();
		if (model.counter().exact()) {
			if (tokens >= context) {
				throw ApiException.invalidParam("messages", "The conversation is " + tokens + " tokens long; model '"
						+ model.name() + "' holds at most " + context + " tokens of conversation and answer together");
			}
			if (requested != null && tokens + requested > context) {
				throw ApiException.invalidParam("max_tokens", "max_tokens is " + requested + ", but model '"
						+ model.name() + "' holds " + context + " tokens and the conversation takes " + tokens
						+ ", which leaves room for at most " + (context - tokens));
			}
		}
		// Without max_tokens the answer may fill the context: that is what the budget holds.
		int maxTokens = (requested != null) ? requested : Math.max(1, context - tokens);
		ChatOptions settled = ((options != null) ? options.mutate() : ChatOptions.builder()).model(model.name()).build();
		return new CountedPrompt(List.copyOf(messages), settled, model.name(), tokens, maxTokens);
	}

}
