package dev.enclave.assistant.internal.turn;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageKind;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.identity.Principal;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.ratelimit.TokenReservation;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;

/**
 * A turn the budgets admitted and its storage began. {@link #events()} runs it, once: the
 * answer streams as {@link TurnEvent.Delta}s and ends with one {@link TurnEvent.Finished} or
 * {@link TurnEvent.Failed}; cancelling it (the client went away) stops the engine. Whichever
 * way it ends, it is settled exactly once, detached from the client: the reservation to
 * the tokens used, one usage ledger row, then the storage's end.
 */
public final class AdmittedTurn<E> {

	private static final Logger log = LoggerFactory.getLogger(AdmittedTurn.class);

	/**
	 * How long an admitted turn may wait for someone to run it. A client that leaves just as
	 * its response starts can leave the events unsubscribed; the turn is then settled as
	 * cancelled instead of holding its reservation and its conversation.
	 */
	private static final Duration UNCLAIMED = Duration.ofSeconds(30);

	private final StreamingChatModel chat;

	private final PromptRenderer renderer;

	private final UsageLedger ledger;

	private final Clock clock;

	private final Principal caller;

	private final RenderedPrompt prompt;

	private final TokenReservation reservation;

	private final TurnStorage<E> storage;

	private final long startedMillis;

	private final @Nullable Cached cached;

	private final AnswerTally tally = new AnswerTally();

	private final AtomicBoolean claimed = new AtomicBoolean();

	private final Disposable unclaimed;

	private @Nullable CompletableFuture<Settled<E>> settlement;

	AdmittedTurn(StreamingChatModel chat, PromptRenderer renderer, UsageLedger ledger, Clock clock, Principal caller,
			RenderedPrompt prompt, TokenReservation reservation, TurnStorage<E> storage, long startedMillis,
			@Nullable Cached cached) {
		this.chat = chat;
		this.renderer = renderer;
		this.ledger = ledger;
		this.clock = clock;
		this.caller = caller;
		this.prompt = prompt;
		this.reservation = reservation;
		this.storage = storage;
		this.startedMillis = startedMillis;
		this.cached = cached;
		this.unclaimed = Mono.delay(UNCLAIMED).subscribe((tick) -> {
			if (this.claimed.compareAndSet(false, true)) {
				abandon(Context.empty());
			}
		});
	}

	/** OpenAI's {@code x-ratelimit-*-tokens} headers after this turn's reservation, for the response. */
	public Map<String, String> rateLimitHeaders() {
		return this.reservation.headers();
	}

	/**
	 * What the response cache did for this turn: {@code hit} (the answer is replayed, no model
	 * computes it), {@code miss} (it will be kept if it ends on its own); null when the turn
	 * does not use the cache.
	 */
	public @Nullable String cacheStatus() {
		return (this.cached == null) ? null : (this.cached.answer() != null) ? "hit" : "miss";
	}

	/** The model that answers. */
	public String model() {
		return this.prompt.model();
	}

	/** The tokens of the prompt as the model sees it. */
	public int promptTokens() {
		return this.prompt.promptTokens();
	}

	/**
	 * Runs the turn. Subscribe once; a second subscriber gets an error.
	 * @return the answer's pieces, then exactly one end event
	 */
	public Flux<TurnEvent<E>> events() {
		return Flux.deferContextual((context) -> {
			if (!this.claimed.compareAndSet(false, true)) {
				return Flux.error(new IllegalStateException("A turn runs once"));
			}
			this.unclaimed.dispose();
			this.tally.engineAsked();
			Flux<ChatResponse> source = (this.cached != null && this.cached.answer() != null) ? this.cached.answer().replay()
					: this.chat.stream(this.prompt.prompt());
			Flux<TurnEvent<E>> deltas = source
				.handle((chunk, sink) -> {
					String text = this.tally.add(chunk, elapsed());
					List<ToolCallDelta> calls = ToolCallDelta.of(chunk);
					PassthroughFields passthrough = PassthroughFields.of(chunk);
					if (!text.isEmpty() || !calls.isEmpty() || !passthrough.isEmpty()) {
						sink.next(new TurnEvent.Delta<>(text, calls, passthrough));
					}
				});
			return deltas
				.concatWith(Mono.defer(() -> settle(FinishReason.STOP, context)).map((settled) -> settled.event(null, this.tally.answered())))
				.onErrorResume((failure) -> settle(FinishReason.ERROR, context)
					.map((settled) -> settled.event(failure, this.tally.answered())))
				.doOnCancel(() -> settle(FinishReason.CANCELLED, context));
		});
	}

	/** Ends a turn that will never run: settled as cancelled before the engine was asked. */
	void abandon(ContextView context) {
		this.unclaimed.dispose();
		settle(FinishReason.CANCELLED, context);
	}

	/**
	 * Settles the turn once: the first call starts the work at once, detached from whoever
	 * waits for it, so a client that goes away cannot cut it short; every call gets the same
	 * result. {@code ending} is how the turn ended unless the engine reported its own finish.
	 */
	private Mono<Settled<E>> settle(FinishReason ending, ContextView context) {
		CompletableFuture<Settled<E>> future;
		synchronized (this) {
			if (this.settlement == null) {
				this.settlement = outcome(ending).flatMap(this::record).contextWrite(context).toFuture();
			}
			future = this.settlement;
		}
		return Mono.fromFuture(future, true);
	}

	/**
	 * What the turn cost. A finished answer costs what the engine reported. One cut short
	 * costs its prompt plus the answer tokens generated: as the engine counted them, or,
	 * from an engine that does not say, the tokens of the text streamed. A turn the engine
	 * failed before producing anything, or that never reached the engine, costs nothing; one
	 * cancelled while the engine had it costs at least its prompt, which may have been
	 * computed.
	 */
	private Mono<TurnOutcome> outcome(FinishReason ending) {
		FinishReason reported = this.tally.finish();
		FinishReason reason = (reported != null) ? reported : ending;
		String text = this.tally.text();
		boolean charged = this.tally.started()
				|| (ending == FinishReason.CANCELLED && this.tally.engineAskedOrStarted());
		Mono<Integer> completion;
		int generated = this.tally.generated();
		if (!charged) {
			completion = Mono.just(0);
		}
		else if (generated >= 0) {
			completion = Mono.just(generated);
		}
		else {
			// Tool calls cost their names and arguments as the model wrote them.
			String written = text + this.tally.toolCalls()
				.stream()
				.map((call) -> call.name() + call.arguments())
				.collect(java.util.stream.Collectors.joining());
			completion = this.renderer.textTokens(this.prompt.model(), written).onErrorReturn(0);
		}
		Integer reportedPrompt = this.tally.reportedPromptTokens();
		int promptTokens = !charged ? 0 : (reportedPrompt != null) ? reportedPrompt : this.prompt.promptTokens();
		boolean hit = this.cached != null && this.cached.answer() != null;
		return completion.map((completionTokens) -> new TurnOutcome(text, new UsageRecord(this.prompt.model(),
				promptTokens, completionTokens, reason, Math.max(0, this.clock.millis() - this.startedMillis),
				UsageKind.CHAT, hit), this.tally.ttftMs(), this.tally.toolCalls()));
	}

	/** Settles the reservation, writes the ledger row, then ends the storage; a storage failure is reported, not lost. */
	private Mono<Settled<E>> record(TurnOutcome outcome) {
		UsageRecord usage = outcome.usage();
		Mono<Void> ledgered = this.ledger.record(this.caller, usage).onErrorResume((failure) -> {
			// Counts and names only: the ledger row holds no content, and neither does this line.
			log.atWarn()
				.setCause(failure)
				.addKeyValue("model", usage.model())
				.addKeyValue("promptTokens", usage.promptTokens())
				.addKeyValue("completionTokens", usage.completionTokens())
				.log("A turn's usage could not be recorded");
			return Mono.empty();
		});
		if (this.cached != null && this.cached.answer() == null) {
			this.cached.keep(outcome);
		}
		// A replayed answer cost no model anything: the budgets are not charged for it.
		long used = usage.cacheHit() ? 0 : (long) usage.promptTokens() + usage.completionTokens();
		return this.reservation.settle(used)
			.then(ledgered)
			.then(this.storage.end(outcome)
				.map((stored) -> new Settled<>(outcome, stored, null))
				.onErrorResume((failure) -> {
					log.atWarn()
						.setCause(failure)
						.addKeyValue("finishReason", outcome.usage().finishReason().value())
						.log("A turn's answer could not be stored");
					return Mono.just(new Settled<>(outcome, null, failure));
				}));
	}

	private long elapsed() {
		return Math.max(0, this.clock.millis() - this.startedMillis);
	}

	/** A settled turn: its outcome and what the storage handed back, or why it could not store it. */
	private record Settled<E>(TurnOutcome outcome, @Nullable E stored, @Nullable Throwable storeFailure) {

		/** The end event: failed when the engine or the storage failed, else finished. */
		TurnEvent<E> event(@Nullable Throwable engineFailure, boolean answered) {
			Throwable failure = (engineFailure != null) ? engineFailure : this.storeFailure;
			if (failure != null || this.stored == null) {
				return new TurnEvent.Failed<>((failure != null) ? failure
						: new IllegalStateException("The turn's storage handed back nothing"), this.outcome, answered);
			}
			return new TurnEvent.Finished<>(this.outcome, this.stored);
		}

	}

	/**
	 * A turn's place in the response cache.
	 *
	 * @param answer the cached answer, or null on a miss
	 */
	record Cached(ResponseCache cache, TenantId tenant, String key, ResponseCache.@Nullable Answer answer) {

		/** Keeps a computed answer (the cache keeps only those that ended on their own). */
		void keep(TurnOutcome outcome) {
			this.cache.put(this.tenant, this.key, outcome);
		}

	}

}
