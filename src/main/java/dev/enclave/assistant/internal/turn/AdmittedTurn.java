package dev.enclave.assistant.internal.turn;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.ToolCall;
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
import dev.enclave.shared.Mapped;
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
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;

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

	/** The current step's tally: the answer's, or that of the tool round under way. */
	private volatile AnswerTally tally = new AnswerTally();

	private final @Nullable ToolLoop tools;

	/** The prompt of the current step: the turn's, or one continued with tool results. */
	private volatile RenderedPrompt current;

	/** What the tool rounds before the current step cost and produced. */
	private final Rounds rounds = new Rounds();

	private final AtomicBoolean claimed = new AtomicBoolean();

	private final Disposable unclaimed;

	private @Nullable CompletableFuture<Settled<E>> settlement;

	AdmittedTurn(StreamingChatModel chat, PromptRenderer renderer, UsageLedger ledger, Clock clock, Principal caller,
			RenderedPrompt prompt, TokenReservation reservation, TurnStorage<E> storage, long startedMillis,
			@Nullable Cached cached, @Nullable ToolLoop tools) {
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
		this.tools = tools;
		this.current = prompt;
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
			Flux<TurnEvent<E>> deltas = (this.cached != null && this.cached.answer() != null)
					? step(this.cached.answer().replay(), this.tally, false) : run(this.prompt);
			return deltas
				.concatWith(Mono.defer(() -> settle(FinishReason.STOP, context)).map((settled) -> settled.event(null, answered())))
				.onErrorResume((failure) -> settle(FinishReason.ERROR, context)
					.map((settled) -> settled.event(failure, answered())))
				.doOnCancel(() -> settle(FinishReason.CANCELLED, context));
		});
	}

	/** One step of the engine: the chunks as turn events, tallied. */
	private Flux<TurnEvent<E>> step(Flux<ChatResponse> source, AnswerTally step, boolean toolsRun) {
		return Mapped.dropNulls(source, (chunk) -> {
			String text = step.add(chunk, elapsed());
			// Calls Enclave runs are its own business: only a client's own tools reach the client.
			List<ToolCallDelta> calls = toolsRun ? List.of() : ToolCallDelta.of(chunk);
			PassthroughFields passthrough = PassthroughFields.of(chunk);
			return (!text.isEmpty() || !calls.isEmpty() || !passthrough.isEmpty())
					? new TurnEvent.Delta<E>(text, calls, passthrough) : null;
		});
	}

	/**
	 * Asks the engine; with Enclave's tools, as a loop: while the model proposes calls, they
	 * are decided and run, and the model asked again with their results, for at most the
	 * loop's rounds. A round with a call held for approval ends the turn there.
	 */
	private Flux<TurnEvent<E>> run(RenderedPrompt rendered) {
		AnswerTally step = this.tally;
		this.current = rendered;
		step.engineAsked();
		Flux<TurnEvent<E>> answer = step(this.chat.stream(rendered.prompt()), step, this.tools != null);
		return (this.tools == null) ? answer : answer.concatWith(Flux.defer(() -> afterStep(rendered, step)));
	}

	private Flux<TurnEvent<E>> afterStep(RenderedPrompt rendered, AnswerTally step) {
		ToolLoop loop = this.tools;
		List<ToolCall> calls = step.toolCalls();
		if (loop == null || calls.isEmpty()) {
			return Flux.empty();
		}
		if (this.rounds.count() >= loop.settings().maxSteps()) {
			String honest = ToolLoop.stoppedAt(loop.settings().maxSteps());
			this.rounds.stop(honest);
			return Flux.just(TurnEvent.Delta.text(honest));
		}
		return loop.runner().run(calls, this.caller, loop.settings().conversation()).flatMapMany((called) -> {
			Flux<TurnEvent<E>> told = Flux.fromIterable(called).map(TurnEvent.ToolCalled::new);
			if (called.stream().anyMatch(ToolRunner.Called::held)) {
				// The turn ends here, its answer the calls; a person's decision continues it.
				return told;
			}
			return told.concatWith(stepCost(rendered, step).flatMapMany((cost) -> {
				List<Message> messages = new ArrayList<>(rendered.prompt().getInstructions());
				List<ExchangeMessage> stored = ToolLoop.roundMessages(step.text(), calls, called);
				messages.addAll(ToolLoop.asPrompt(stored));
				this.rounds.add(step, cost, stored);
				this.tally = new AnswerTally();
				Prompt next = new Prompt(messages, rendered.prompt().getOptions());
				return (loop.fitHistory() ? this.renderer.fit(next) : this.renderer.render(next))
					.flatMapMany(this::run);
			}));
		});
	}

	/** What a finished tool round cost: its prompt, and the calls as the model wrote them. */
	private Mono<Cost> stepCost(RenderedPrompt rendered, AnswerTally step) {
		Integer reportedPrompt = step.reportedPromptTokens();
		int promptTokens = (reportedPrompt != null) ? reportedPrompt : rendered.promptTokens();
		return completionTokens(step, rendered.model()).map((completion) -> new Cost(promptTokens, completion));
	}

	/** A step's answer tokens: as the engine counted them, or the tokens of what it wrote. */
	private Mono<Integer> completionTokens(AnswerTally step, String model) {
		int generated = step.generated();
		if (generated >= 0) {
			return Mono.just(generated);
		}
		// Tool calls cost their names and arguments as the model wrote them.
		String written = step.text() + step.toolCalls()
			.stream()
			.map((call) -> call.name() + call.arguments())
			.collect(java.util.stream.Collectors.joining());
		return this.renderer.textTokens(model, written).onErrorReturn(0);
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
		AnswerTally step = this.tally;
		Rounds.Snapshot before = this.rounds.snapshot();
		FinishReason reported = step.finish();
		FinishReason reason = (before.stopped() != null) ? FinishReason.STOP : (reported != null) ? reported : ending;
		boolean charged = step.started() || (ending == FinishReason.CANCELLED && step.engineAskedOrStarted());
		Mono<Integer> completion = !charged ? Mono.just(0) : completionTokens(step, this.prompt.model());
		Integer reportedPrompt = step.reportedPromptTokens();
		int stepPrompt = !charged ? 0 : (reportedPrompt != null) ? reportedPrompt : this.current.promptTokens();
		boolean hit = this.cached != null && this.cached.answer() != null;
		// A turn stopped at the loop's bound answers with the honest message, not the calls it did not run.
		String text = (before.stopped() != null) ? step.text() + before.stopped() : step.text();
		List<ToolCall> calls = (before.stopped() != null) ? List.of() : step.toolCalls();
		Long ttft = (before.ttftMs() != null) ? before.ttftMs() : step.ttftMs();
		return completion.map((completionTokens) -> new TurnOutcome(text, new UsageRecord(this.prompt.model(),
				before.promptTokens() + stepPrompt, before.completionTokens() + completionTokens, reason,
				Math.max(0, this.clock.millis() - this.startedMillis), UsageKind.CHAT, hit), ttft, calls,
				before.messages()));
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

	/** Whether any piece of the answer, in any step, has been sent. */
	private boolean answered() {
		return this.tally.answered() || this.rounds.snapshot().ttftMs() != null;
	}

	private long elapsed() {
		return Math.max(0, this.clock.millis() - this.startedMillis);
	}

	/**
	 * Enclave's tools for this turn, and how to run them.
	 * @param fitHistory whether a longer prompt may drop its oldest messages (a conversation's)
	 */
	record ToolLoop(TurnTools settings, ToolRunner runner, boolean fitHistory) {

		/** What the user is told when the loop's bound stops a turn. */
		static String stoppedAt(int maxSteps) {
			return "I stopped before finishing: answering this needed more than " + maxSteps
					+ ((maxSteps == 1) ? " round" : " rounds") + " of tool calls, the most allowed here. "
					+ "The tool results so far are in this conversation; please ask again more specifically.";
		}

		/** A finished round as stored: the assistant message with its calls, then one tool message per call. */
		static List<ExchangeMessage> roundMessages(String text, List<ToolCall> calls, List<ToolRunner.Called> called) {
			List<ExchangeMessage> messages = new ArrayList<>();
			messages.add(new ExchangeMessage(MessageRole.ASSISTANT, text, calls, null));
			for (ToolRunner.Called result : called) {
				messages.add(new ExchangeMessage(MessageRole.TOOL, java.util.Objects.requireNonNull(result.forModel()),
						List.of(), result.call().id()));
			}
			return messages;
		}

		/** Stored messages of a round as the model's prompt continues with them. */
		static List<Message> asPrompt(List<ExchangeMessage> stored) {
			List<Message> messages = new ArrayList<>();
			java.util.Map<String, String> names = new java.util.HashMap<>();
			for (ExchangeMessage message : stored) {
				if (message.role() == MessageRole.ASSISTANT) {
					message.toolCalls().forEach((call) -> names.put(call.id(), call.name()));
					messages.add(AssistantMessage.builder()
						.content(message.content())
						.toolCalls(message.toolCalls()
							.stream()
							.map((call) -> new AssistantMessage.ToolCall(call.id(), "function", call.name(),
									call.arguments()))
							.toList())
						.build());
				}
				else {
					String id = (message.toolCallId() != null) ? message.toolCallId() : "";
					messages.add(ToolResponseMessage.builder()
						.responses(List.of(new ToolResponseMessage.ToolResponse(id, names.getOrDefault(id, ""),
								message.content())))
						.build());
				}
			}
			return messages;
		}

	}

	/** Tokens one step cost. */
	private record Cost(int promptTokens, int completionTokens) {
	}

	/**
	 * The tool rounds a turn has finished: their cost, their messages, when the first token
	 * came, and the honest message when the loop's bound stopped the turn. Read by the
	 * settlement from another thread, so every access is synchronised.
	 */
	private static final class Rounds {

		private int count;

		private int promptTokens;

		private int completionTokens;

		private @Nullable Long ttftMs;

		private @Nullable String stopped;

		private final List<ExchangeMessage> messages = new ArrayList<>();

		synchronized int count() {
			return this.count;
		}

		synchronized void add(AnswerTally step, Cost cost, List<ExchangeMessage> stored) {
			this.count++;
			this.promptTokens += cost.promptTokens();
			this.completionTokens += cost.completionTokens();
			if (this.ttftMs == null) {
				this.ttftMs = step.ttftMs();
			}
			this.messages.addAll(stored);
		}

		synchronized void stop(String honest) {
			this.stopped = honest;
		}

		synchronized Snapshot snapshot() {
			return new Snapshot(this.promptTokens, this.completionTokens, this.ttftMs, this.stopped,
					List.copyOf(this.messages));
		}

		record Snapshot(int promptTokens, int completionTokens, @Nullable Long ttftMs, @Nullable String stopped,
				List<ExchangeMessage> messages) {
		}

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
