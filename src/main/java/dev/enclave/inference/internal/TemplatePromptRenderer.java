package dev.enclave.inference.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.internal.generation.GenerationRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Renders prompts with the model's chat template and tokenizer on the bounded
 * {@code prompts} scheduler. Fitting a conversation finds how many of its newest messages
 * fit by binary search over where the kept tail starts, so a long history costs a few
 * renders, not one per message; the last render is the one the engine runs.
 */
final class TemplatePromptRenderer implements PromptRenderer, AutoCloseable {

	private static final Duration RETRY_OVERLOADED = Duration.ofSeconds(1);

	private final ModelRegistry registry;

	private final Scheduler scheduler;

	/**
	 * @param threads renders running at once: CPU work, so about one per core
	 * @param queued renders waiting for a thread; more are refused as overloaded
	 */
	TemplatePromptRenderer(ModelRegistry registry, int threads, int queued) {
		this.registry = registry;
		this.scheduler = Schedulers.newBoundedElastic(threads, queued, "prompts");
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
			Integer reserve = ChatRequests.requestedMaxTokens(model, options);
			int budget = model.model().maxContext() - ((reserve != null) ? reserve : 1);
			List<Message> messages = prompt.getInstructions();
			int firstOther = 0;
			while (firstOther < messages.size() - 1 && messages.get(firstOther).getMessageType() == MessageType.SYSTEM) {
				firstOther++;
			}
			List<Message> system = messages.subList(0, firstOther);
			List<Message> others = messages.subList(firstOther, messages.size());
			int[] whole = ChatRequests.tokens(model, messages, options);
			if (whole.length <= budget || others.isEmpty()) {
				return rendered(model, messages, options, whole);
			}
			// Smallest start whose tail fits; the newest message alone is the last resort.
			int high = others.size() - 1;
			int[] tail = ChatRequests.tokens(model, join(system, others.subList(high, others.size())), options);
			if (tail.length > budget) {
				throw ApiException.invalidParam("content", "The message is too long for model '" + model.name()
						+ "': with the system prompt and room for an answer it exceeds the model's "
						+ model.model().maxContext() + " tokens");
			}
			int low = 0;
			while (low < high) {
				int middle = (low + high) >>> 1;
				int[] tokens = ChatRequests.tokens(model, join(system, others.subList(middle, others.size())), options);
				if (tokens.length <= budget) {
					high = middle;
					tail = tokens;
				}
				else {
					low = middle + 1;
				}
			}
			return rendered(model, join(system, others.subList(low, others.size())), options, tail);
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

	@Override
	public void close() {
		this.scheduler.dispose();
	}

	private static RenderedPrompt rendered(ServedModel model, List<Message> messages, @Nullable ChatOptions options,
			int[] tokens) {
		GenerationRequest request = ChatRequests.of(model, tokens, options);
		ChatOptions settled = ((options != null) ? options.mutate() : ChatOptions.builder()).model(model.name())
			.maxTokens(request.maxTokens())
			.build();
		return new RenderedChatPrompt(List.copyOf(messages), settled, model.name(), request);
	}

	private <T> Mono<T> onScheduler(Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.scheduler)
			.onErrorMap(RejectedExecutionException.class,
					(ex) -> new ApiException(ErrorCode.OVERLOADED, "Too many prompts are waiting to be prepared; "
							+ "try again shortly")
						.withRetryAfter(RETRY_OVERLOADED));
	}

	private static @Nullable String modelOf(@Nullable ChatOptions options) {
		return (options != null) ? options.getModel() : null;
	}

	private static List<Message> join(List<Message> system, List<Message> tail) {
		List<Message> joined = new ArrayList<>(system.size() + tail.size());
		joined.addAll(system);
		joined.addAll(tail);
		return joined;
	}

}
