package dev.enclave.assistant.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.assistant.internal.turn.AdmittedTurn;
import dev.enclave.assistant.internal.turn.TurnEvent;
import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.assistant.internal.turn.TurnRequest;
import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.TurnContext;
import dev.enclave.identity.Principal;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.shared.ConversationId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * A console turn, {@code POST /api/v1/conversations/{id}/messages}: a thin adapter over the
 * turn pipeline. It builds the prompt from the conversation's system prompt and history plus
 * the new message (the pipeline trims the oldest messages to the model's context), and
 * writes the console's events: with {@code Accept: text/event-stream} server-sent events
 * ({@code message.created}, {@code delta}, {@code message.completed}, {@code error}, and
 * comment heartbeats while the model is silent), otherwise the stored answer as JSON.
 * Refusals (not found, over budget, a turn already running) are plain error responses, and
 * leave nothing stored.
 */
@RestController
@Tag(name = "Conversations")
class TurnController {

	private final Conversations conversations;

	private final TurnPipeline pipeline;

	private final PromptRenderer renderer;

	private final TurnResponses responses;

	private final AssistantSettings settings;

	TurnController(Conversations conversations, TurnPipeline pipeline, PromptRenderer renderer, TurnResponses responses,
			AssistantSettings settings) {
		this.conversations = conversations;
		this.pipeline = pipeline;
		this.renderer = renderer;
		this.responses = responses;
		this.settings = settings;
	}

	/**
	 * A message to answer, with optional sampling for this turn: {@code temperature 0} (or a
	 * {@code seed}) makes the answer reproducible.
	 *
	 * @param content the user's message
	 * @param maxTokens the longest answer; by default {@code enclave.assistant.max-answer-tokens}
	 * (at most half the model's context); older messages are left out of the prompt to make room
	 * @param temperature 0 to 2; 0 decodes greedily
	 * @param topP nucleus sampling, above 0 and at most 1
	 * @param seed makes sampling reproducible
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SendMessage(@NotBlank @Size(max = 100_000) String content, @Nullable Integer maxTokens,
			@Nullable Double temperature, @Nullable Double topP, @Nullable Long seed) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Created(UUID conversationId, ConversationMessage userMessage, UUID assistantMessageId) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Delta(UUID messageId, String text) {
	}

	@PostMapping(path = "/api/v1/conversations/{id}/messages", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE })
	@PreAuthorize("hasAuthority('SCOPE_chat') and hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Send a message and get the answer",
			description = "Streams server-sent events with Accept: text/event-stream, else returns the stored answer. "
					+ "max_tokens, temperature, top_p and seed apply to this turn only.")
	Mono<ResponseEntity<?>> send(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody SendMessage request, ServerWebExchange exchange) {
		boolean stream = exchange.getRequest()
			.getHeaders()
			.getAccept()
			.stream()
			.anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM) && !type.isWildcardType());
		return this.conversations.prepareTurn(caller, new ConversationId(id)).flatMap((context) -> {
			ConversationTurn storage = new ConversationTurn(this.conversations, context, request.content());
			return Mono.fromCallable(() -> prompt(context, request))
				.flatMap((prompt) -> this.pipeline.admit(new TurnRequest(caller, prompt, true, false), storage))
				.flatMap((turn) -> stream ? Mono.just(streamed(turn, storage, exchange)) : answered(turn));
		});
	}

	/** The conversation so far and the new message, with this turn's options. */
	private Prompt prompt(TurnContext context, SendMessage request) {
		List<Message> messages = new ArrayList<>();
		if (context.systemPrompt() != null) {
			messages.add(new SystemMessage(context.systemPrompt()));
		}
		Map<String, String> toolNames = new HashMap<>();
		for (ExchangeMessage message : context.history()) {
			switch (message.role()) {
				case SYSTEM -> messages.add(new SystemMessage(message.content()));
				case USER -> messages.add(new UserMessage(message.content()));
				case ASSISTANT -> {
					message.toolCalls().forEach((call) -> toolNames.put(call.id(), call.name()));
					messages.add(AssistantMessage.builder()
						.content(message.content())
						.toolCalls(message.toolCalls()
							.stream()
							.map((call) -> new AssistantMessage.ToolCall(call.id(), "function", call.name(),
									call.arguments()))
							.toList())
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
		messages.add(new UserMessage(request.content()));
		int maxTokens = (request.maxTokens() != null) ? request.maxTokens()
				: Math.min(this.settings.maxAnswerTokens(), this.renderer.contextSize(context.model()) / 2);
		return new Prompt(messages, InferenceChatOptions.builder()
			.model(context.model())
			.maxTokens(maxTokens)
			.temperature(request.temperature())
			.topP(request.topP())
			.seed(request.seed())
			.build());
	}

	private Mono<ResponseEntity<?>> answered(AdmittedTurn<ConversationMessage> turn) {
		return turn.events().filter((event) -> !(event instanceof TurnEvent.Delta)).next().flatMap((end) -> {
			if (end instanceof TurnEvent.Finished<ConversationMessage> finished) {
				return Mono.just(this.responses.json(turn, finished.stored(), Map.of()));
			}
			return Mono.error(((TurnEvent.Failed<ConversationMessage>) end).failure());
		});
	}

	private ResponseEntity<?> streamed(AdmittedTurn<ConversationMessage> turn, ConversationTurn storage,
			ServerWebExchange exchange) {
		UUID answerId = storage.turn().answerId();
		Flux<ServerSentEvent<Object>> events = Flux
			.just(event("message.created", new Created(storage.turn().conversation().value(),
					storage.turn().userMessage(), answerId)))
			.concatWith(turn.events()
				// The console shows text; pieces of tool calls arrive whole with the stored message.
				.filter((event) -> !(event instanceof TurnEvent.Delta<ConversationMessage> delta) || !delta.text().isEmpty())
				.map((event) -> consoleEvent(event, answerId, exchange)));
		return this.responses.stream(turn, events, true);
	}

	/** The console's event for each turn event; the one place its stream format is written. */
	private ServerSentEvent<Object> consoleEvent(TurnEvent<ConversationMessage> event, UUID answerId,
			ServerWebExchange exchange) {
		if (event instanceof TurnEvent.Delta<ConversationMessage> delta) {
			return event("delta", new Delta(answerId, delta.text()));
		}
		if (event instanceof TurnEvent.Finished<ConversationMessage> finished) {
			return event("message.completed", finished.stored());
		}
		return event("error", this.responses.errorJson(exchange, ((TurnEvent.Failed<ConversationMessage>) event).failure()));
	}

	private static ServerSentEvent<Object> event(String name, Object data) {
		return ServerSentEvent.<Object>builder(data).event(name).build();
	}

}
