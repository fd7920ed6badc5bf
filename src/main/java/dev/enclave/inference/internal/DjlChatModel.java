package dev.enclave.inference.internal;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.scheduler.GenerationTask;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.scheduler.TaskListener;
import dev.enclave.inference.internal.toolcalls.ToolCallParser;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The local engine behind Spring AI's chat port. Every generation goes to its model's
 * batching scheduler (the replica with the least work in hand), never onto an event loop;
 * its tokens stream out as {@link ChatResponse} chunks, handed off the scheduler's thread,
 * and the last chunk carries the finish reason and the usage. When the request shows the
 * model tools, the calls it writes are read out of its text and go out as tool-call pieces,
 * never as content ({@link AnswerChunks}). Cancelling the stream takes
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
		AnswerChunks answer = new AnswerChunks("chatcmpl-" + UUID.randomUUID(), model.name(), parser(model, options));
		return Flux.<AnswerChunks.Report>create((sink) -> {
			Decoding decoding = new Decoding(request, model.tokenizer()::decode, model.model().maxContext());
			GenerationTask task = new GenerationTask(decoding, request.prompt(), tenant, priority, new Reports(sink));
			sink.onCancel(task::cancel);
			replicas.submit(task);
		}, FluxSink.OverflowStrategy.BUFFER)
			// Off the scheduler's thread at once: every other sequence in the batch waits for it.
			// Tool calls are parsed after the hand-off, for the same reason.
			.publishOn(Schedulers.parallel())
			.map(answer::chunk);
	}

	/**
	 * A parser of the tools the model was shown, when its family writes calls in a format we
	 * read; null when there is none to look for, and the text passes through untouched.
	 */
	private static @Nullable ToolCallParser parser(ServedModel model, @Nullable ChatOptions options) {
		Set<String> tools = ChatMessages.toolNames(ChatMessages.shownTools(options));
		if (tools.isEmpty()) {
			return null;
		}
		return model.toolCallFormat().map((format) -> format.newParser(tools)).orElse(null);
	}

	/** A generation's reports, as they come, for the stream to turn into chunks. */
	private record Reports(FluxSink<AnswerChunks.Report> sink) implements TaskListener {

		@Override
		public void onText(String text, int generatedTokens) {
			this.sink.next(AnswerChunks.Report.text(text, generatedTokens));
		}

		@Override
		public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
			this.sink.next(AnswerChunks.Report.finish(reason, promptTokens, completionTokens));
			this.sink.complete();
		}

		@Override
		public void onError(Throwable failure) {
			this.sink.error(failure);
		}

	}

}
