package dev.enclave.assistant.internal.turn;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import dev.enclave.conversation.UsageLedger;
import dev.enclave.identity.Principal;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.ratelimit.TokenReservation;
import dev.enclave.shared.Priority;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The one way a chat turn runs, for the console and the OpenAI-compatible API alike. It
 * renders and counts the prompt once, reserves the caller's token budgets for the prompt
 * plus the longest answer, and only then lets the entry point store anything; it streams
 * the answer from the chat model, and settles every turn exactly once however it ends
 * (finished, cut short by the client, failed): the reservation to the tokens really used,
 * one usage ledger row, and the entry point's storage. A turn refused before it begins
 * (invalid, over budget, conflicting) leaves no reservation, no row and no lock.
 */
public final class TurnPipeline {

	private final StreamingChatModel chat;

	private final PromptRenderer renderer;

	private final TokenBudget budget;

	private final UsageLedger ledger;

	private final Clock clock;

	private final ResponseCache cache;

	private final ToolRunner tools;

	public TurnPipeline(StreamingChatModel chat, PromptRenderer renderer, TokenBudget budget, UsageLedger ledger,
			Clock clock, ResponseCache cache, ToolRunner tools) {
		this.chat = chat;
		this.renderer = renderer;
		this.budget = budget;
		this.ledger = ledger;
		this.clock = clock;
		this.cache = cache;
		this.tools = tools;
	}

	/**
	 * Admits a turn: render, reserve, begin the storage, in that order.
	 * @return the admitted turn, whose {@link AdmittedTurn#events()} run it; or the error
	 * that refused it (from the renderer, the budget or the storage), with nothing left
	 * behind. A client that goes away meanwhile leaves nothing behind either.
	 */
	public <E> Mono<AdmittedTurn<E>> admit(TurnRequest request, TurnStorage<E> storage) {
		return Mono.deferContextual((context) -> {
			Admission<E> admission = new Admission<>(request, storage, this.clock.millis(), context);
			Prompt prompt = forCaller(request.prompt(), request.caller());
			Mono<RenderedPrompt> rendered = request.fitHistory() ? this.renderer.fit(prompt) : this.renderer.render(prompt);
			return rendered.flatMap(admission::reserve)
				.flatMap((reserved) -> admission.begin())
				.onErrorResume((refused) -> admission.refund().then(Mono.error(refused)))
				.doOnCancel(admission::abandon);
		});
	}

	/**
	 * The prompt as the engine's scheduler needs it: the caller's tenant, and a priority no
	 * higher than the caller's own class (a request may ask for batch, never jump the queue).
	 */
	private static Prompt forCaller(Prompt prompt, Principal caller) {
		InferenceChatOptions.Builder options = InferenceChatOptions.from(prompt.getOptions());
		Priority requested = (prompt.getOptions() instanceof InferenceChatOptions inference
				&& inference.getPriority() != null) ? inference.getPriority() : Priority.INTERACTIVE;
		return new Prompt(prompt.getInstructions(),
				options.tenant(caller.tenantId()).priority(requested.atMost(caller.priority())).build());
	}

	/**
	 * One turn between its first step and the moment its events start. The reservation and
	 * the storage's begin run detached from the caller, so a client that goes away half-way
	 * cannot leave tokens reserved or a conversation locked with nobody to undo it; the
	 * steps and a cancel take turns under this object's lock, so each sees what the other did.
	 */
	private final class Admission<E> {

		private final TurnRequest request;

		private final TurnStorage<E> storage;

		private final long startedMillis;

		private final ContextView context;

		private @Nullable RenderedPrompt prompt;

		private @Nullable CompletableFuture<TokenReservation> reservation;

		private @Nullable CompletableFuture<AdmittedTurn<E>> begun;

		private boolean abandoned;

		Admission(TurnRequest request, TurnStorage<E> storage, long startedMillis, ContextView context) {
			this.request = request;
			this.storage = storage;
			this.startedMillis = startedMillis;
			this.context = context;
		}

		synchronized Mono<TokenReservation> reserve(RenderedPrompt rendered) {
			if (this.abandoned) {
				return Mono.empty();
			}
			this.prompt = rendered;
			CompletableFuture<TokenReservation> future = TurnPipeline.this.budget
				.reserve(this.request.caller(), rendered.mostTokens())
				.contextWrite(this.context)
				.toFuture();
			this.reservation = future;
			return Mono.fromFuture(future, true);
		}

		synchronized Mono<AdmittedTurn<E>> begin() {
			RenderedPrompt rendered = this.prompt;
			CompletableFuture<TokenReservation> reserved = this.reservation;
			if (this.abandoned || rendered == null || reserved == null) {
				return Mono.empty();
			}
			CompletableFuture<AdmittedTurn<E>> future = this.storage.begin()
				.contextWrite(this.context)
				.then(Mono.fromSupplier(() -> new AdmittedTurn<>(TurnPipeline.this.chat, TurnPipeline.this.renderer,
						TurnPipeline.this.ledger, TurnPipeline.this.clock, this.request.caller(), rendered,
						reserved.join(), this.storage, this.startedMillis, cached(rendered), loop())))
				.toFuture();
			this.begun = future;
			return Mono.fromFuture(future, true);
		}

		private AdmittedTurn.@Nullable ToolLoop loop() {
			TurnTools settings = this.request.tools();
			return (settings == null) ? null
					: new AdmittedTurn.ToolLoop(settings, TurnPipeline.this.tools, this.request.fitHistory());
		}

		/** The turn's place in the response cache, when it may use it: its key, and the answer if one is there. */
		private AdmittedTurn.@Nullable Cached cached(RenderedPrompt rendered) {
			// A turn that runs tools acts on the world: it is never answered from a cache.
			if (!this.request.responseCache() || this.request.tools() != null) {
				return null;
			}
			String key = TurnPipeline.this.cache.keyOf(rendered);
			if (key == null) {
				return null;
			}
			return new AdmittedTurn.Cached(TurnPipeline.this.cache, this.request.caller().tenantId(), key,
					TurnPipeline.this.cache.get(this.request.caller().tenantId(), key).orElse(null));
		}

		/** Gives back a reservation that no turn will use (the storage refused to begin). */
		synchronized Mono<Void> refund() {
			CompletableFuture<TokenReservation> reserved = this.reservation;
			if (reserved == null || !reserved.isDone() || reserved.isCompletedExceptionally()) {
				return Mono.empty();
			}
			return reserved.join().settle(0);
		}

		/** The client went away before the turn started: undo whatever is done or under way. */
		synchronized void abandon() {
			this.abandoned = true;
			CompletableFuture<AdmittedTurn<E>> started = this.begun;
			CompletableFuture<TokenReservation> reserved = this.reservation;
			if (started != null) {
				started.whenComplete((turn, failure) -> {
					if (turn != null) {
						turn.abandon(this.context);
					}
					else if (reserved != null) {
						reserved.thenAccept((reservation) -> reservation.settle(0).subscribe());
					}
				});
			}
			else if (reserved != null) {
				reserved.thenAccept((reservation) -> reservation.settle(0).subscribe());
			}
		}

	}

}
