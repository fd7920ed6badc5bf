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

	private final ConsoleTurns turns;

	TurnController(ConsoleTurns turns) {
		this.turns = turns;
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

	@PostMapping(path = "/api/v1/conversations/{id}/messages", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE })
	@PreAuthorize("hasAuthority('SCOPE_chat') and hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Send a message and get the answer",
			description = "Streams server-sent events with Accept: text/event-stream, else returns the stored answer. "
					+ "max_tokens, temperature, top_p and seed apply to this turn only. Refused with 409 while a tool "
					+ "call of the conversation waits for approval.")
	Mono<ResponseEntity<?>> send(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody SendMessage request, ServerWebExchange exchange) {
		ConsoleTurns.Options options = new ConsoleTurns.Options(request.content(), request.maxTokens(),
				request.temperature(), request.topP(), request.seed());
		return this.turns.start(caller, new ConversationId(id), options)
			.flatMap((started) -> streams(exchange) ? this.turns.streamed(started, Flux.empty(), exchange)
					: this.turns.answered(started));
	}

	/** Whether the client asked for server-sent events (explicitly: a wildcard gets JSON). */
	static boolean streams(ServerWebExchange exchange) {
		return exchange.getRequest()
			.getHeaders()
			.getAccept()
			.stream()
			.anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM) && !type.isWildcardType());
	}

}
