package dev.enclave.assistant.internal;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.identity.Principal;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.shared.ConversationId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.CacheControl;
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
 * A chat turn: {@code POST /api/v1/conversations/{id}/messages}. The user's message is stored
 * before generation starts. With {@code Accept: text/event-stream} the answer streams as
 * server-sent events ({@code message.created}, {@code delta}, {@code message.completed},
 * {@code error}, and comment heartbeats while the model is silent); otherwise the stored
 * answer comes back as JSON. Refusals (not found, a turn already running) are plain error
 * responses, since they happen before anything is streamed.
 */
@RestController
@Tag(name = "Conversations")
class TurnController {

	private static final Logger log = LoggerFactory.getLogger(TurnController.class);

	private final Conversations conversations;

	private final TurnRunner runner;

	private final ErrorResponses errors;

	private final AssistantSettings settings;

	private final TokenBudget budget;

	TurnController(Conversations conversations, TurnRunner runner, ErrorResponses errors, AssistantSettings settings,
			TokenBudget budget) {
		this.conversations = conversations;
		this.runner = runner;
		this.errors = errors;
		this.settings = settings;
		this.budget = budget;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SendMessage(@NotBlank @Size(max = 100_000) String content) {
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
			description = "Streams server-sent events with Accept: text/event-stream, else returns the stored answer.")
	Mono<ResponseEntity<?>> send(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody SendMessage request, ServerWebExchange exchange) {
		boolean stream = exchange.getRequest()
			.getHeaders()
			.getAccept()
			.stream()
			.anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM) && !type.isWildcardType());
		return this.conversations.beginTurn(caller, new ConversationId(id), request.content())
			.map(this.runner::start)
			.flatMap((run) -> admitted(run, caller, exchange))
			.flatMap((run) -> stream ? Mono.just(streamed(run, exchange)) : answered(run));
	}

	/**
	 * Reserves the turn's tokens (prompt plus the longest answer) before anything is
	 * generated. A refusal is a plain 429: the user's message stays stored, with a failed
	 * empty answer that later prompts leave out, and the conversation is free again.
	 */
	private Mono<TurnRunner.Run> admitted(TurnRunner.Run run, Principal caller, ServerWebExchange exchange) {
		return run.estimate()
			.flatMap((tokens) -> this.budget.reserve(exchange, caller, tokens))
			.map((reservation) -> {
				run.charge(reservation);
				return run;
			})
			.onErrorResume((refused) -> run.end(MessageStatus.FAILED)
				.onErrorResume((ex) -> Mono.empty())
				.then(Mono.error(refused)))
			.doOnCancel(() -> run.endDetached(MessageStatus.PARTIAL));
	}

	private Mono<ResponseEntity<?>> answered(TurnRunner.Run run) {
		return run.deltas()
			.then(Mono.defer(() -> run.end(MessageStatus.COMPLETE)))
			.onErrorResume((failure) -> run.end(MessageStatus.FAILED)
				.onErrorResume((ex) -> Mono.empty())
				.then(Mono.error(clientError(failure))))
			.doOnCancel(() -> run.endDetached(MessageStatus.PARTIAL))
			.map(ResponseEntity::ok);
	}

	private ResponseEntity<?> streamed(TurnRunner.Run run, ServerWebExchange exchange) {
		UUID answerId = run.turn().answerId();
		AtomicLong lastSent = new AtomicLong(System.nanoTime());
		Sinks.Empty<Void> done = Sinks.empty();
		Flux<ServerSentEvent<Object>> events = Flux
			.<ServerSentEvent<Object>>just(event("message.created",
					new Created(run.turn().conversation().value(), run.turn().userMessage(), answerId)))
			.concatWith(run.deltas().map((text) -> event("delta", new Delta(answerId, text))))
			.concatWith(Mono.defer(() -> run.end(MessageStatus.COMPLETE)).map((message) -> event("message.completed", message)))
			.doOnError(this.budget::recordFailure)
			.onErrorResume((failure) -> run.end(MessageStatus.FAILED)
				.onErrorResume((ex) -> Mono.empty())
				.then(Mono.just(ServerSentEvent.<Object>builder(this.errors.envelopeJson(exchange, clientError(failure)))
					.event("error")
					.build())))
			.doOnCancel(() -> run.endDetached(MessageStatus.PARTIAL))
			.doOnNext((event) -> lastSent.set(System.nanoTime()))
			.doFinally((signal) -> done.tryEmitEmpty());
		Duration every = this.settings.heartbeatInterval();
		Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(every)
			.filter((tick) -> System.nanoTime() - lastSent.get() >= every.toNanos() / 2)
			.map((tick) -> ServerSentEvent.<Object>builder().comment("keep-alive").build())
			.takeUntilOther(done.asMono());
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noCache())
			.header("X-Accel-Buffering", "no")
			.body(Flux.merge(events, heartbeats));
	}

	private static ServerSentEvent<Object> event(String name, Object data) {
		return ServerSentEvent.<Object>builder(data).event(name).build();
	}

	/** What the client may see of a failure: our own errors as they are, anything else as internal. */
	private static ApiException clientError(Throwable failure) {
		if (failure instanceof ApiException api) {
			return api;
		}
		// The exception's class only: engine messages could quote the prompt.
		log.error("A chat turn failed: {}", failure.getClass().getName());
		return new ApiException(ErrorCode.INTERNAL_ERROR,
				"The model failed while answering; the partial answer is stored as failed");
	}

}
