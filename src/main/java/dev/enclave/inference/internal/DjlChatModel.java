package dev.enclave.inference.internal;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.shared.FinishReason;
import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.GenerationResult;
import dev.enclave.inference.internal.generation.Generator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The local engine behind Spring AI's chat port. Every generation runs on the bounded
 * {@code inference} scheduler, never on an event loop; its tokens stream out as
 * {@link ChatResponse} chunks, and the last chunk carries the finish reason and the usage.
 * Cancelling the stream stops the generation at its next step. Each request has its own KV
 * cache, so no conversation ever sees another's context. A {@link RenderedChatPrompt} of
 * the same model is run as it was rendered, never rendered twice.
 */
final class DjlChatModel implements ChatModel, StreamingChatModel, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DjlChatModel.class);

	private static final Duration RETRY_OVERLOADED = Duration.ofSeconds(5);

	private final ModelRegistry registry;

	private final Scheduler scheduler;

	DjlChatModel(ModelRegistry registry, int maxConcurrent, int maxQueued) {
		this.registry = registry;
		this.scheduler = Schedulers.newBoundedElastic(maxConcurrent, Math.max(1, maxQueued), "inference");
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		List<ChatResponse> chunks = stream(prompt).collectList().block();
		StringBuilder text = new StringBuilder();
		ChatResponse last = null;
		for (ChatResponse chunk : chunks) {
			text.append(chunk.getResult().getOutput().getText());
			last = chunk;
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text.toString()),
				last.getResult().getMetadata())), last.getMetadata());
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			ChatOptions options = prompt.getOptions();
			ServedModel model = this.registry.require((options != null) ? options.getModel() : null);
			String id = "chatcmpl-" + UUID.randomUUID();
			return Flux.<ChatResponse>create((sink) -> generate(model, prompt, id, sink)).subscribeOn(this.scheduler);
		})
			.onErrorMap(RejectedExecutionException.class,
					(ex) -> new ApiException(ErrorCode.OVERLOADED, "Too many generations are waiting; try again shortly")
						.withRetryAfter(RETRY_OVERLOADED));
	}

	@Override
	public ChatOptions getDefaultOptions() {
		return InferenceChatOptions.builder().model(this.registry.defaultModel()).build();
	}

	@Override
	public void close() {
		this.scheduler.dispose();
	}

	private void generate(ServedModel model, Prompt prompt, String id, FluxSink<ChatResponse> sink) {
		try {
			long started = System.nanoTime();
			// A prompt rendered for this model runs as rendered; anything else is rendered here.
			GenerationRequest request = (prompt instanceof RenderedChatPrompt rendered
					&& rendered.model().equals(model.name())) ? rendered.request() : ChatRequests.of(model, prompt);
			GenerationResult result = new Generator(model.model(), model.tokenizer()::decode).generateWithProgress(
					request, (text, generated) -> sink.next(chunk(id, model.name(), text, null, null, generated)),
					sink::isCancelled);
			// Counts and timings only: prompts and answers are never logged.
			log.debug("Generation on {} ended ({}): {} prompt and {} completion tokens in {} ms", model.name(),
					result.finishReason().value(), result.promptTokens(), result.completionTokens(),
					(System.nanoTime() - started) / 1_000_000);
			if (result.finishReason() != FinishReason.CANCELLED) {
				sink.next(chunk(id, model.name(), "", result.finishReason(),
						new DefaultUsage(result.promptTokens(), result.completionTokens()), result.completionTokens()));
				sink.complete();
			}
		}
		catch (RuntimeException ex) {
			sink.error(ex);
		}
	}

	private static ChatResponse chunk(String id, String model, String text, @Nullable FinishReason finish,
			@Nullable Usage usage, int generated) {
		ChatGenerationMetadata generation = (finish != null)
				? ChatGenerationMetadata.builder().finishReason(finish.value()).build() : ChatGenerationMetadata.NULL;
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().id(id).model(model);
		if (usage != null) {
			metadata.usage(usage);
		}
		metadata.keyValue(GeneratedTokens.METADATA_KEY, generated);
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text), generation)), metadata.build());
	}

}
