package dev.enclave.assistant.internal.openai;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.enclave.assistant.internal.EventFrames;
import dev.enclave.assistant.internal.TurnResponses;
import dev.enclave.assistant.internal.turn.AdmittedTurn;
import dev.enclave.assistant.internal.turn.TurnEvent;
import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.assistant.internal.turn.ToolRunner;
import dev.enclave.assistant.internal.turn.TurnRequest;
import dev.enclave.assistant.internal.turn.TurnTools;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Scopes;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.EnclaveToolCallbacks;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolLimits;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;

/**
 * OpenAI's chat completions as a thin adapter over the turn pipeline: the request becomes a
 * prompt that must fit as sent, and the turn's events become OpenAI's shapes, a whole
 * {@code chat.completion} or {@code chat.completion.chunk} events ending with
 * {@code [DONE]}. Accounting, cancellation and storage ({@code store: true}) are the
 * pipeline's, the same as for console turns. Prompts and answers are never logged.
 */
final class ChatCompletions {

	/** The response header that carries the id of a stored exchange's conversation. */
	static final String CONVERSATION_HEADER = "x-enclave-conversation-id";

	private final TurnPipeline pipeline;

	private final OpenAiPrompts prompts;

	private final Conversations conversations;

	private final TurnResponses responses;

	private final JsonMapper json;

	private final Clock clock;

	private final ToolRunner tools;

	private final ToolLimits limits;

	ChatCompletions(TurnPipeline pipeline, OpenAiPrompts prompts, Conversations conversations, TurnResponses responses,
			JsonMapper json, Clock clock, ToolRunner tools, ToolLimits limits) {
		this.tools = tools;
		this.limits = limits;
		this.pipeline = pipeline;
		this.prompts = prompts;
		this.conversations = conversations;
		this.responses = responses;
		this.json = json;
		this.clock = clock;
	}

	Mono<ResponseEntity<?>> answer(Principal caller, ChatCompletionRequest body, ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> this.prompts.read(body)).flatMap((request) -> {
			Completion completion = new Completion("chatcmpl-" + UUID.randomUUID(),
					this.clock.instant().getEpochSecond(), request);
			return turnRequest(caller, request, exchange)
				.flatMap((turnRequest) -> this.pipeline.admit(turnRequest,
						new ExchangeStorage(this.conversations, caller, request)))
				.flatMap((turn) -> request.stream() ? stream(turn, completion, exchange) : whole(turn, completion));
		});
	}

	/**
	 * The turn: with Enclave's tools when the key's tenant enabled them for it (scope
	 * {@code tools}) and the request declares none of its own; a client's tools are the
	 * client's to run, so then Enclave runs none.
	 */
	private Mono<TurnRequest> turnRequest(Principal caller, CompletionRequest request, ServerWebExchange exchange) {
		boolean cache = responseCache(caller, request, exchange);
		Prompt prompt = request.prompt();
		boolean declares = prompt.getOptions() instanceof ToolCallingChatOptions tooling
				&& tooling.getToolCallbacks() != null && !tooling.getToolCallbacks().isEmpty();
		List<ToolDefinition> offered = (!declares && caller.scopes().contains(Scopes.TOOLS))
				? this.tools.offeredTo(caller, false) : List.of();
		if (offered.isEmpty()) {
			return Mono.just(new TurnRequest(caller, prompt, false, cache));
		}
		Prompt withTools = new Prompt(prompt.getInstructions(), InferenceChatOptions.from(prompt.getOptions())
			.toolCallbacks(EnclaveToolCallbacks.of(offered))
			.build());
		return this.limits.maxSteps(caller.tenantId())
			.map((steps) -> new TurnRequest(caller, withTools, false, cache, new TurnTools(steps, null)));
	}

	private Mono<ResponseEntity<?>> whole(AdmittedTurn<Optional<ConversationId>> turn, Completion completion) {
		PassthroughMerge passthrough = new PassthroughMerge(this.json);
		return turn.events().doOnNext((event) -> {
			if (event instanceof TurnEvent.Delta<Optional<ConversationId>> delta) {
				passthrough.add(delta.passthrough());
			}
		}).filter((event) -> event instanceof TurnEvent.Finished || event instanceof TurnEvent.Failed).next().flatMap((end) -> {
			if (end instanceof TurnEvent.Finished<Optional<ConversationId>> finished) {
				TurnOutcome outcome = finished.outcome();
				Map<String, String> headers = finished.stored()
					.map((id) -> Map.of(CONVERSATION_HEADER, id.value().toString()))
					.orElse(Map.of());
				return Mono.just(this.responses.json(turn, ChatCompletion.of(completion.id(), completion.created(),
						turn.model(), outcome.content(), outcome.toolCalls(), outcome.usage().finishReason().value(),
						usage(outcome), passthrough.logprobs(), passthrough.messageFields()), headers));
			}
			return Mono.error(((TurnEvent.Failed<Optional<ConversationId>>) end).failure());
		});
	}

	private Mono<ResponseEntity<?>> stream(AdmittedTurn<Optional<ConversationId>> turn, Completion completion,
			ServerWebExchange exchange) {
		AtomicBoolean roleSent = new AtomicBoolean();
		Flux<byte[]> frames = turn.events()
			// The calls Enclave ran are not the client's: it sees only the answer they led to.
			.filter((event) -> !(event instanceof TurnEvent.ToolCalled))
			// map, not handle: with context propagation on, Reactor restores the thread-locals
			// around every handle signal, 2 % of the gateway's CPU here for a step that reads none.
			.map((event) -> {
				if (event instanceof TurnEvent.Failed<Optional<ConversationId>> failed) {
					// Nothing sent yet: an ordinary error response. Half-way: the envelope ends the stream, as OpenAI's do.
					if (failed.answered()) {
						return this.responses.frames().data(this.responses.errorJson(exchange, failed.failure())).bytes();
					}
					// Reactor hands the failure itself on, unwrapped, to the subscriber.
					throw Exceptions.propagate(failed.failure());
				}
				// The chunks of one turn event go out as one write: fewer writes and flushes per answer.
				EventFrames frame = this.responses.frames();
				if (roleSent.compareAndSet(false, true)) {
					frame.data(ChatCompletionChunk.role(completion.id(), completion.created(), turn.model()));
				}
				if (event instanceof TurnEvent.Delta<Optional<ConversationId>> delta) {
					frame.data(ChatCompletionChunk.piece(completion.id(), completion.created(), turn.model(),
							delta.text(), delta.toolCalls(), delta.passthrough()));
					return frame.bytes();
				}
				TurnEvent.Finished<Optional<ConversationId>> finished = (TurnEvent.Finished<Optional<ConversationId>>) event;
				frame.data(ChatCompletionChunk.finish(completion.id(), completion.created(), turn.model(),
						finished.outcome().usage().finishReason().value(),
						finished.stored().map((id) -> id.value().toString()).orElse(null)));
				if (completion.request().includeUsage()) {
					frame.data(ChatCompletionChunk.usage(completion.id(), completion.created(), turn.model(),
							usage(finished.outcome())));
				}
				return frame.data("[DONE]").bytes();
			});
		return this.responses.stream(turn, frames, false, exchange);
	}

	/**
	 * Whether the response cache may answer: the request's {@code x-enclave-cache} header
	 * ({@code true} or {@code false}) decides, else the API key's setting. A stored exchange
	 * ({@code store: true}) is kept as asked and never replayed.
	 */
	private static boolean responseCache(Principal caller, CompletionRequest request, ServerWebExchange exchange) {
		String asked = exchange.getRequest().getHeaders().getFirst(TurnResponses.CACHE_HEADER);
		boolean wanted;
		if (asked == null) {
			wanted = caller.responseCache();
		}
		else if (asked.equalsIgnoreCase("true") || asked.equalsIgnoreCase("false")) {
			wanted = Boolean.parseBoolean(asked);
		}
		else {
			throw new ApiException(ErrorCode.INVALID_REQUEST,
					"The " + TurnResponses.CACHE_HEADER + " header must be true or false");
		}
		return wanted && !request.store();
	}

	private static ChatCompletion.Usage usage(TurnOutcome outcome) {
		return ChatCompletion.Usage.of(outcome.usage().promptTokens(), outcome.usage().completionTokens());
	}

	/** One completion's identity in OpenAI's terms: its id and its {@code created} second. */
	private record Completion(String id, long created, CompletionRequest request) {
	}

}
