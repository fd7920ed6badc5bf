package dev.enclave.assistant.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.assistant.internal.turn.AdmittedTurn;
import dev.enclave.assistant.internal.turn.ToolRunner;
import dev.enclave.assistant.internal.turn.TurnEvent;
import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.assistant.internal.turn.TurnRequest;
import dev.enclave.assistant.internal.turn.TurnTools;
import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.ToolCall;
import dev.enclave.conversation.TurnContext;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.EnclaveToolCallbacks;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;

/**
 * Console turns, written once for a new message and for a turn that continues after its
 * tool calls were decided: the prompt from the conversation (the results of calls decided
 * since the last answer included), Enclave's tools that the person may use, and the
 * console's events: {@code message.created}, {@code delta}, {@code tool_call},
 * {@code message.completed}, {@code error}, with heartbeats; or the stored answer as JSON.
 */
final class ConsoleTurns {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Conversations conversations;

	private final TurnPipeline pipeline;

	private final PromptRenderer renderer;

	private final TurnResponses responses;

	private final AssistantSettings settings;

	private final ToolRunner tools;

	private final ToolApprovals approvals;

	private final ToolLimits limits;

	ConsoleTurns(Conversations conversations, TurnPipeline pipeline, PromptRenderer renderer, TurnResponses responses,
			AssistantSettings settings, ToolRunner tools, ToolApprovals approvals, ToolLimits limits) {
		this.conversations = conversations;
		this.pipeline = pipeline;
		this.renderer = renderer;
		this.responses = responses;
		this.settings = settings;
		this.tools = tools;
		this.approvals = approvals;
		this.limits = limits;
	}

	/**
	 * This turn's sampling.
	 * @param content the user's message; null when the turn continues after tool calls
	 */
	record Options(@Nullable String content, @Nullable Integer maxTokens, @Nullable Double temperature,
			@Nullable Double topP, @Nullable Long seed) {

		static Options continuing() {
			return new Options(null, null, null, null, null);
		}

	}

	/** A turn admitted and begun, ready to run. */
	record Started(AdmittedTurn<ConversationMessage> turn, ConversationTurn storage) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Created(UUID conversationId, @Nullable ConversationMessage userMessage, UUID assistantMessageId) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Delta(UUID messageId, String text) {
	}

	/**
	 * A tool call as the console shows it.
	 * @param id the call's id in the audit, which approving or rejecting it names
	 * @param toolCallId the id the model gave it
	 * @param result what the model was told; null while it waits for approval
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ToolCallView(UUID id, String toolCallId, String name, JsonNode arguments, String status,
			@Nullable JsonNode result, @Nullable Instant expiresAt) {

		static ToolCallView of(ToolRunner.Called called) {
			return new ToolCallView(called.invocation(), called.call().id(), called.call().name(),
					json(called.call().arguments()), called.status().label(),
					(called.forModel() != null) ? json(called.forModel()) : null, called.expiresAt());
		}

	}

	/**
	 * Admits a turn of the caller's conversation. Refused with {@code conflict} while a tool
	 * call of it waits for approval: the model's answer would lack its result.
	 */
	Mono<Started> start(Principal caller, ConversationId id, Options options) {
		// Ownership first (prepareTurn checks it), so another's conversation is not_found, never a conflict.
		return this.conversations.prepareTurn(caller, id)
			.flatMap((context) -> this.approvals.pending(caller.tenantId(), id)
				.hasElements()
				.flatMap((waiting) -> waiting ? Mono.<TurnContext>error(new ApiException(ErrorCode.CONFLICT,
						"A tool call in this conversation waits for approval; approve or reject it first"))
						: Mono.just(context)))
			.flatMap((context) -> owedResults(context).flatMap((owed) -> {
				if (options.content() == null && owed.isEmpty()) {
					return Mono.error(new ApiException(ErrorCode.CONFLICT,
							"There is nothing to continue: no decided tool calls wait for the model"));
				}
				ConversationTurn storage = new ConversationTurn(this.conversations, context, owed, options.content());
				return this.limits.maxSteps(caller.tenantId())
					.map((steps) -> new TurnRequest(caller, prompt(context, owed, options, offered(caller)), true, false,
							new TurnTools(steps, id)))
					.flatMap((request) -> this.pipeline.admit(request, storage))
					.map((turn) -> new Started(turn, storage));
			}));
	}

	/** The answer as JSON once the turn ends. */
	Mono<ResponseEntity<?>> answered(Started started) {
		AdmittedTurn<ConversationMessage> turn = started.turn();
		return turn.events().filter((event) -> event instanceof TurnEvent.Finished || event instanceof TurnEvent.Failed)
			.next()
			.flatMap((end) -> {
				if (end instanceof TurnEvent.Finished<ConversationMessage> finished) {
					return Mono.just(this.responses.json(turn, finished.stored(), Map.of()));
				}
				return Mono.error(((TurnEvent.Failed<ConversationMessage>) end).failure());
			});
	}

	/** The turn's events, after {@code first} (a decision, say), as server-sent events. */
	Mono<ResponseEntity<?>> streamed(Started started, Flux<byte[]> first, ServerWebExchange exchange) {
		AdmittedTurn<ConversationMessage> turn = started.turn();
		ConversationTurn storage = started.storage();
		UUID answerId = storage.turn().answerId();
		Flux<byte[]> events = first
			.concatWith(Flux.just(event("message.created", new Created(storage.turn().conversation().value(),
					storage.turn().userMessage(), answerId))))
			.concatWith(turn.events()
				// The console shows text; pieces of tool calls arrive whole, as tool_call events.
				.filter((event) -> !(event instanceof TurnEvent.Delta<ConversationMessage> delta) || !delta.text().isEmpty())
				.map((event) -> consoleEvent(event, answerId, exchange)));
		return this.responses.stream(turn, events, true, exchange);
	}

	/** One event as a whole event stream: a decision that continues no turn. */
	Mono<ResponseEntity<?>> streamedAlone(byte[] event, ServerWebExchange exchange) {
		return this.responses.events(Flux.just(event), exchange);
	}

	/** The console's event for each turn event; the one place its stream format is written. */
	private byte[] consoleEvent(TurnEvent<ConversationMessage> event, UUID answerId,
			ServerWebExchange exchange) {
		if (event instanceof TurnEvent.Delta<ConversationMessage> delta) {
			return event("delta", new Delta(answerId, delta.text()));
		}
		if (event instanceof TurnEvent.ToolCalled<ConversationMessage> called) {
			return event("tool_call", ToolCallView.of(called.called()));
		}
		if (event instanceof TurnEvent.Finished<ConversationMessage> finished) {
			return event("message.completed", finished.stored());
		}
		return event("error", this.responses.errorJson(exchange, ((TurnEvent.Failed<ConversationMessage>) event).failure()));
	}

	byte[] event(String name, Object data) {
		return this.responses.frames().event(name, data).bytes();
	}

	/**
	 * The results of the last answer's tool calls, when it made calls that were decided after
	 * it ended (approved, rejected, expired): the model must see them before anything else.
	 */
	private Mono<List<ExchangeMessage>> owedResults(TurnContext context) {
		List<ExchangeMessage> history = context.history();
		if (history.isEmpty()) {
			return Mono.just(List.of());
		}
		ExchangeMessage last = history.get(history.size() - 1);
		if (last.role() != MessageRole.ASSISTANT || last.toolCalls().isEmpty()) {
			return Mono.just(List.of());
		}
		return this.approvals.results(context.caller().tenantId(), context.conversation(), last.toolCalls());
	}

	private List<ToolDefinition> offered(Principal caller) {
		return this.tools.offeredTo(caller, true);
	}

	/** The conversation so far, the results owed to it, and the new message, with this turn's options. */
	private Prompt prompt(TurnContext context, List<ExchangeMessage> owed, Options request, List<ToolDefinition> tools) {
		List<Message> messages = new ArrayList<>();
		if (context.systemPrompt() != null) {
			messages.add(new SystemMessage(context.systemPrompt()));
		}
		Map<String, String> toolNames = new HashMap<>();
		List<ExchangeMessage> history = new ArrayList<>(context.history());
		history.addAll(owed);
		// The oldest messages kept may begin half-way through a tool round: its results alone mean nothing.
		while (!history.isEmpty() && history.get(0).role() == MessageRole.TOOL) {
			history.remove(0);
		}
		for (ExchangeMessage message : history) {
			switch (message.role()) {
				case SYSTEM -> messages.add(new SystemMessage(message.content()));
				case USER -> messages.add(new UserMessage(message.content()));
				case ASSISTANT -> {
					message.toolCalls().forEach((call) -> toolNames.put(call.id(), call.name()));
					messages.add(AssistantMessage.builder()
						.content(message.content())
						.toolCalls(message.toolCalls().stream().map(ConsoleTurns::springCall).toList())
						.build());
				}
				case TOOL -> {
					String id = (message.toolCallId() != null) ? message.toolCallId() : "";
					messages.add(ToolResponseMessage.builder()
						.responses(List.of(new ToolResponseMessage.ToolResponse(id, toolNames.getOrDefault(id, ""),
								message.content())))
						.build());
				}
			}
		}
		if (request.content() != null) {
			messages.add(new UserMessage(request.content()));
		}
		int maxTokens = (request.maxTokens() != null) ? request.maxTokens()
				: Math.min(this.settings.maxAnswerTokens(), this.renderer.contextSize(context.model()) / 2);
		return new Prompt(messages, InferenceChatOptions.builder()
			.model(context.model())
			.maxTokens(maxTokens)
			.temperature(request.temperature())
			.topP(request.topP())
			.seed(request.seed())
			.toolCallbacks(EnclaveToolCallbacks.of(tools))
			.build());
	}

	private static AssistantMessage.ToolCall springCall(ToolCall call) {
		return new AssistantMessage.ToolCall(call.id(), "function", call.name(), call.arguments());
	}

	/** Arguments as the model wrote them may not be JSON at all; then they are shown as text. */
	static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (RuntimeException ex) {
			return JSON.getNodeFactory().stringNode(text);
		}
	}

}
