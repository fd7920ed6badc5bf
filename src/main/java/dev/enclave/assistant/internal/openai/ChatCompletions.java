package dev.enclave.assistant.internal.openai;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.identity.Principal;
import dev.enclave.inference.ContextWindow;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.shared.ConversationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers OpenAI chat requests from the inference module's streaming chat model, whole or
 * as server-sent events, and settles every completion: its usage goes to the ledger
 * whichever way it ends (finished, cancelled by the client, failed), and with
 * {@code store: true} the exchange becomes a conversation of the caller. Its tokens are
 * reserved with the token budget before the engine starts and settled to the true count
 * when it ends. Requests the engine refuses as invalid are not completions: they leave no
 * usage and get their reservation back. Prompts and answers are never logged.
 */
final class ChatCompletions {

	/** The response header that carries the id of a stored exchange's conversation. */
	static final String CONVERSATION_HEADER = "x-enclave-conversation-id";

	private static final Logger log = LoggerFactory.getLogger(ChatCompletions.class);

	private static final String CANCELLED = "cancelled";

	private static final String FAILED = "error";

	// OpenAI writes "data: " with a space; a leading space in the data is exactly that on
	// the wire (and SSE parsers drop it), so clients that split on "data: " work too.
	private static final ServerSentEvent<String> DONE = ServerSentEvent.builder(" [DONE]").build();

	private final StreamingChatModel engine;

	private final OpenAiPrompts prompts;

	private final UsageLedger ledger;

	private final Conversations conversations;

	private final JsonMapper json;

	private final ErrorResponses errors;

	private final Clock clock;

	private final TokenBudget budget;

	private final ContextWindow window;

	ChatCompletions(StreamingChatModel engine, OpenAiPrompts prompts, UsageLedger ledger, Conversations conversations,
			JsonMapper json, ErrorResponses errors, Clock clock, TokenBudget budget, ContextWindow window) {
		this.engine = engine;
		this.prompts = prompts;
		this.ledger = ledger;
		this.conversations = conversations;
		this.json = json;
		this.errors = errors;
		this.clock = clock;
		this.budget = budget;
		this.window = window;
	}

	Mono<ResponseEntity<?>> answer(Principal caller, ChatCompletionRequest body, ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> this.prompts.read(body))
			.flatMap((request) -> reserve(caller, request, exchange)
				.flatMap((charge) -> request.stream() ? Mono.just(stream(caller, request, charge, exchange))
						: whole(caller, request, charge)));
	}

	/**
	 * Reserves the completion's tokens before the engine starts: the prompt as the model
	 * will see it plus {@code max_tokens}, or, without it, the rest of the model's context,
	 * the most the answer can take. A refusal (429) is no completion and records no usage.
	 */
	private Mono<TokenCharge> reserve(Principal caller, CompletionRequest request, ServerWebExchange exchange) {
		return Mono.fromCallable(() -> countPrompt(request))
			// Rendering and tokenising the messages is CPU work: off the event loop.
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((prompt) -> this.budget.reserve(exchange, caller, estimate(request, prompt))
				.map((reservation) -> new TokenCharge(reservation, prompt)));
	}

	private int countPrompt(CompletionRequest request) {
		try {
			return this.window.promptTokens(request.model(), request.prompt().getInstructions());
		}
		catch (ApiException ex) {
			// The engine refuses such a request the same way, as a client error: nothing to hold.
			return -1;
		}
	}

	private long estimate(CompletionRequest request, int prompt) {
		if (prompt < 0) {
			return 0;
		}
		ChatOptions options = request.prompt().getOptions();
		Integer maxTokens = (options != null) ? options.getMaxTokens() : null;
		return prompt + ((maxTokens != null) ? maxTokens : Math.max(0, this.window.size(request.model()) - prompt));
	}

	private Mono<ResponseEntity<?>> whole(Principal caller, CompletionRequest request, TokenCharge charge) {
		return Mono.deferContextual((context) -> {
			CompletionTally tally = new CompletionTally(request.model(), this.clock, charge);
			return this.engine.stream(request.prompt())
				.doOnNext(tally::add)
				.then(Mono.defer(() -> settle(caller, request, tally, FAILED, context)))
				.<ResponseEntity<?>>map((stored) -> {
					ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
					stored.ifPresent((id) -> ok.header(CONVERSATION_HEADER, id.value().toString()));
					String finish = (tally.finishReason() != null) ? tally.finishReason() : "stop";
					return ok.body(ChatCompletion.of(tally.id(), tally.created(), tally.model(), tally.text(), finish,
							tally.usage()));
				})
				.onErrorResume((error) -> failed(caller, request, tally, error, context).then(Mono.error(error)))
				.doOnCancel(() -> settle(caller, request, tally, CANCELLED, context));
		});
	}

	private ResponseEntity<Flux<ServerSentEvent<String>>> stream(Principal caller, CompletionRequest request,
			TokenCharge charge, ServerWebExchange exchange) {
		Flux<ServerSentEvent<String>> events = Flux.deferContextual((context) -> {
			CompletionTally tally = new CompletionTally(request.model(), this.clock, charge);
			Flux<ChatCompletionChunk> chunks = this.engine.stream(request.prompt())
				.concatMap((piece) -> chunks(caller, request, tally, piece, context));
			// Settled already when the engine reported its finish; this only waits for that.
			return chunks.map(this::event)
				.concatWith(Mono.defer(() -> settle(caller, request, tally, FAILED, context)).thenReturn(DONE))
				.onErrorResume((error) -> failure(caller, request, tally, error, context, exchange))
				.doOnCancel(() -> settle(caller, request, tally, CANCELLED, context));
		});
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.header("X-Accel-Buffering", "no")
			.body(events);
	}

	/**
	 * A stream that fails before anything was sent is answered as any failed request; one
	 * that fails half-way ends with the error envelope as its last event, as OpenAI's do.
	 */
	private Mono<ServerSentEvent<String>> failure(Principal caller, CompletionRequest request, CompletionTally tally,
			Throwable error, ContextView context, ServerWebExchange exchange) {
		if (!tally.started()) {
			return failed(caller, request, tally, error, context).then(Mono.error(error));
		}
		// Load shed half-way is counted here: the response has started, so no filter sees it.
		this.budget.recordFailure(error);
		String envelope = this.errors.envelopeJson(exchange, this.errors.translate(exchange, error));
		return failed(caller, request, tally, error, context).onErrorComplete()
			.thenReturn(ServerSentEvent.builder(" " + envelope).build());
	}

	/** The chunks one piece of the engine's stream becomes; the last one settles first. */
	private Flux<ChatCompletionChunk> chunks(Principal caller, CompletionRequest request, CompletionTally tally,
			ChatResponse piece, ContextView context) {
		boolean first = !tally.started();
		String text = tally.add(piece);
		List<ChatCompletionChunk> chunks = new ArrayList<>(2);
		if (first) {
			chunks.add(ChatCompletionChunk.role(tally.id(), tally.created(), tally.model()));
		}
		if (!text.isEmpty()) {
			chunks.add(ChatCompletionChunk.content(tally.id(), tally.created(), tally.model(), text));
		}
		String finish = tally.finishReason();
		if (finish == null) {
			return Flux.fromIterable(chunks);
		}
		return Flux.fromIterable(chunks).concatWith(settle(caller, request, tally, FAILED, context)
			.flatMapMany((stored) -> {
				List<ChatCompletionChunk> last = new ArrayList<>(2);
				last.add(ChatCompletionChunk.finish(tally.id(), tally.created(), tally.model(), finish,
						stored.map((id) -> id.value().toString()).orElse(null)));
				if (request.includeUsage()) {
					last.add(ChatCompletionChunk.usage(tally.id(), tally.created(), tally.model(), tally.usage()));
				}
				return Flux.fromIterable(last);
			}));
	}

	private ServerSentEvent<String> event(ChatCompletionChunk chunk) {
		return ServerSentEvent.builder(" " + this.json.writeValueAsString(chunk)).build();
	}

	/**
	 * A failure the client caused (an invalid request the engine refused) is no completion;
	 * any other is settled as failed with what was generated.
	 */
	private Mono<Optional<ConversationId>> failed(Principal caller, CompletionRequest request, CompletionTally tally,
			Throwable error, ContextView context) {
		if (error instanceof ApiException api && api.code().status().is4xxClientError()) {
			return tally.refundTokens().thenReturn(Optional.empty());
		}
		return settle(caller, request, tally, FAILED, context);
	}

	/**
	 * Records the usage and, if asked, stores the exchange; once per completion, and carried
	 * through even when the client has gone. {@code outcome} is the finish reason recorded
	 * when the engine gave none, that is when it did not finish.
	 */
	private Mono<Optional<ConversationId>> settle(Principal caller, CompletionRequest request, CompletionTally tally,
			String outcome, ContextView context) {
		return tally.settle(() -> {
			UsageRecord usage = tally.record(outcome);
			Mono<Optional<ConversationId>> stored = Mono.just(Optional.empty());
			// Nothing generated and nothing finished: there is no exchange worth keeping.
			if (request.store() && (tally.finishReason() != null || !tally.text().isEmpty())) {
				stored = this.conversations
					.storeExchange(caller, request.transcript(), new ExchangeMessage(MessageRole.ASSISTANT, tally.text()),
							usage)
					.map(Optional::of);
			}
			return tally.chargeTokens(CANCELLED.equals(outcome))
				.then(this.ledger.record(caller, usage))
				.then(stored)
				.doOnError((error) -> log.atWarn()
					.setCause(error)
					.addKeyValue("model", usage.model())
					.log("A completion could not be settled (usage or stored exchange)"))
				.contextWrite(context);
		});
	}

}
