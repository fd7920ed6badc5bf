package dev.enclave.inference.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.scheduler.GenerationTask;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.scheduler.TaskListener;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The local engine behind Spring AI's chat port. Every generation goes to its model's
 * batching scheduler (the replica with the least work in hand), never onto an event loop;
 * its tokens stream out as {@link ChatResponse} chunks, handed off the scheduler's thread,
 * and the last chunk carries the finish reason and the usage. Cancelling the stream takes
 * the sequence out of the batch at the next step. A {@link RenderedChatPrompt} of the same
 * model is run as it was rendered; any other prompt is rendered first. Each request has its
 * own KV cache, so no conversation ever sees another's context.
 */
final class DjlChatModel implements StreamingChatModel {

	private final ModelRegistry registry;

	private final TemplatePromptRenderer renderer;

	private final Map<String, ModelReplicas> replicas;

	DjlChatModel(ModelRegistry registry, TemplatePromptRenderer renderer, Map<String, ModelReplicas> replicas) {
		this.registry = registry;
		this.renderer = renderer;
		this.replicas = Map.copyOf(replicas);
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			ChatOptions options = prompt.getOptions();
			ServedModel model = this.registry.require((options != null) ? options.getModel() : null);
			Mono<GenerationRequest> request = (prompt instanceof RenderedChatPrompt rendered
					&& rendered.model().equals(model.name())) ? Mono.just(rendered.request())
							: this.renderer.render(prompt).map((rendered) -> ((RenderedChatPrompt) rendered).request());
			return request.flatMapMany((generation) -> generate(model, generation, options));
		});
	}

	private Flux<ChatResponse> generate(ServedModel model, GenerationRequest request, @Nullable ChatOptions options) {
		ModelReplicas replicas = this.replicas.get(model.name());
		if (replicas == null) {
			return Flux.error(new ApiException(ErrorCode.MODEL_UNAVAILABLE, "Model '" + model.name() + "' is not served"));
		}
		TenantId tenant = (options instanceof InferenceChatOptions inference) ? inference.getTenant() : null;
		Priority priority = (options instanceof InferenceChatOptions inference && inference.getPriority() != null)
				? inference.getPriority() : Priority.INTERACTIVE;
		String id = "chatcmpl-" + UUID.randomUUID();
		return Flux.<ChatResponse>create((sink) -> {
			Decoding decoding = new Decoding(request, model.tokenizer()::decode, model.model().maxContext());
			GenerationTask task = new GenerationTask(decoding, request.prompt(), tenant, priority,
					new Chunks(sink, id, model.name()));
			sink.onCancel(task::cancel);
			replicas.submit(task);
		}, FluxSink.OverflowStrategy.BUFFER)
			// Off the scheduler's thread at once: every other sequence in the batch waits for it.
			.publishOn(Schedulers.parallel());
	}

	/** A generation's reports as chunks of the stream. */
	private record Chunks(FluxSink<ChatResponse> sink, String id, String model) implements TaskListener {

		@Override
		public void onText(String text, int generatedTokens) {
			this.sink.next(chunk(this.id, this.model, text, null, null, generatedTokens));
		}

		@Override
		public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
			this.sink.next(chunk(this.id, this.model, "", reason, new DefaultUsage(promptTokens, completionTokens),
					completionTokens));
			this.sink.complete();
		}

		@Override
		public void onError(Throwable failure) {
			this.sink.error(failure);
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
