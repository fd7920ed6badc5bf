package dev.enclave.assistant.internal.turn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.conversation.MessageStatus;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.tools.internal.DefaultToolRegistry;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.ratelimit.TokenReservation;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The turn pipeline for every way a turn can end, driven by a scripted chat model (the only
 * double of something else's behaviour here; the renderer, budget, ledger and storage are
 * recording stand-ins of their ports). For each outcome: the tokens settled, the ledger row,
 * the stored status, and exactly one end event.
 */
class TurnPipelineTests {

	private static final int PROMPT_TOKENS = 40;

	private static final int MAX_TOKENS = 100;

	private static final Principal CALLER = Principal.ofUser(new TenantId(UUID.randomUUID()),
			new SubjectId(UUID.randomUUID()), Set.of(Role.AGENT), AuthMethod.OIDC);

	private final CountingRenderer renderer = new CountingRenderer();

	private final RecordingBudget budget = new RecordingBudget();

	private final List<UsageRecord> ledger = new CopyOnWriteArrayList<>();

	private final RecordingStorage storage = new RecordingStorage();

	private final MapCache cache = new MapCache();

	private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);

	private TurnPipeline pipeline(ScriptedChatModel model) {
		UsageLedger recording = (caller, usage) -> Mono.fromRunnable(() -> this.ledger.add(usage));
		// These turns run no tools: the runner is never asked.
		ToolRunner noTools = new ToolRunner(new DefaultToolRegistry(List.of()), null, null, null, this.clock);
		return new TurnPipeline(model, this.renderer, this.budget, recording, this.clock, new ResponseCache(this.cache),
				noTools);
	}

	private static TurnRequest request() {
		return new TurnRequest(CALLER, new Prompt(List.of(new UserMessage("Where is my order?")),
				InferenceChatOptions.builder().model("scripted").maxTokens(MAX_TOKENS).build()), true, false);
	}

	private AdmittedTurn<String> admit(ScriptedChatModel model) {
		AdmittedTurn<String> turn = pipeline(model).admit(request(), this.storage).block(Duration.ofSeconds(5));
		assertThat(turn).isNotNull();
		return turn;
	}

	@Test
	void aTurnThatStopsIsChargedTheEnginesUsageAndStoredComplete() {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "Hel", "lo"));
		assertThat(this.budget.reserved).containsExactly((long) PROMPT_TOKENS + MAX_TOKENS);
		assertThat(this.storage.begun).hasValue(1);
		assertThat(turn.rateLimitHeaders()).containsEntry("x-ratelimit-remaining-tokens", "860");
		StepVerifier.create(turn.events())
			.expectNext(TurnEvent.Delta.text("Hel"), TurnEvent.Delta.text("lo"))
			.assertNext((end) -> {
				assertThat(end).isInstanceOf(TurnEvent.Finished.class);
				assertThat(((TurnEvent.Finished<String>) end).stored()).isEqualTo("stored Hello");
			})
			.verifyComplete();
		assertSettled(FinishReason.STOP, PROMPT_TOKENS, 2, "Hello", MessageStatus.COMPLETE);
	}

	@Test
	void aTurnCutAtMaxTokensEndsWithLength() {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.finishing(FinishReason.LENGTH, PROMPT_TOKENS, "a", "b", "c"));
		StepVerifier.create(turn.events().filter((event) -> !(event instanceof TurnEvent.Delta)))
			.assertNext((end) -> assertThat(((TurnEvent.Finished<String>) end).outcome().usage().finishReason())
				.isEqualTo(FinishReason.LENGTH))
			.verifyComplete();
		assertSettled(FinishReason.LENGTH, PROMPT_TOKENS, 3, "abc", MessageStatus.COMPLETE);
	}

	@Test
	void aClientThatCancelsAfterKTokensIsChargedThePromptAndTheKTokensAndGetsNoEndEvent() throws Exception {
		ScriptedChatModel model = ScriptedChatModel.stalling("a", "b", "c");
		AdmittedTurn<String> turn = admit(model);
		List<TurnEvent<String>> seen = new CopyOnWriteArrayList<>();
		StepVerifier.create(turn.events().doOnNext(seen::add))
			.expectNextCount(3)
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		this.storage.ended.get(5, TimeUnit.SECONDS);
		assertThat(model.cancelled).as("the engine was told to stop").isTrue();
		assertThat(seen).hasSize(3).allMatch((event) -> event instanceof TurnEvent.Delta);
		assertSettled(FinishReason.CANCELLED, PROMPT_TOKENS, 3, "abc", MessageStatus.PARTIAL);
	}

	@Test
	void anEngineThatDoesNotCountIsChargedTheTokensOfTheTextItStreamed() throws Exception {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.stallingSilently("four", "more"));
		StepVerifier.create(turn.events()).expectNextCount(2).thenCancel().verify(Duration.ofSeconds(5));
		this.storage.ended.get(5, TimeUnit.SECONDS);
		// The stand-in renderer counts a token per character.
		assertSettled(FinishReason.CANCELLED, PROMPT_TOKENS, 8, "fourmore", MessageStatus.PARTIAL);
	}

	@Test
	void anEngineErrorAfterKTokensIsSettledAsFailedWithWhatWasGenerated() {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.failing(new IllegalStateException("device lost"), "a", "b"));
		StepVerifier.create(turn.events())
			.expectNext(TurnEvent.Delta.text("a"), TurnEvent.Delta.text("b"))
			.assertNext((end) -> {
				TurnEvent.Failed<String> failed = (TurnEvent.Failed<String>) end;
				assertThat(failed.failure()).hasMessage("device lost");
				assertThat(failed.answered()).isTrue();
			})
			.verifyComplete();
		assertSettled(FinishReason.ERROR, PROMPT_TOKENS, 2, "ab", MessageStatus.FAILED);
	}

	@Test
	void anEngineErrorBeforeAnyTokenCostsNothingButIsStillRecorded() {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.failing(
				new ApiException(ErrorCode.OVERLOADED, "busy").withRetryAfter(Duration.ofSeconds(5))));
		StepVerifier.create(turn.events())
			.assertNext((end) -> assertThat(((TurnEvent.Failed<String>) end).answered()).isFalse())
			.verifyComplete();
		assertSettled(FinishReason.ERROR, 0, 0, "", MessageStatus.FAILED);
	}

	@Test
	void aRefusedReservationLeavesNothingBehind() {
		this.budget.refuse = true;
		ScriptedChatModel model = ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "never");
		StepVerifier.create(pipeline(model).admit(request(), this.storage))
			.expectErrorSatisfies((refused) -> assertThat(((ApiException) refused).code())
				.isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED))
			.verify(Duration.ofSeconds(5));
		assertThat(this.storage.begun).as("nothing stored").hasValue(0);
		assertThat(this.storage.outcomes).isEmpty();
		assertThat(model.subscriptions).as("the engine never asked").hasValue(0);
		assertThat(this.ledger).as("no usage row").isEmpty();
		assertThat(this.budget.settled).as("nothing held, nothing to settle").isEmpty();
	}

	@Test
	void aStorageThatRefusesToBeginGivesTheReservationBack() {
		this.storage.refuseBegin = new ApiException(ErrorCode.CONFLICT, "another turn");
		ScriptedChatModel model = ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "never");
		StepVerifier.create(pipeline(model).admit(request(), this.storage))
			.expectErrorSatisfies((refused) -> assertThat(((ApiException) refused).code()).isEqualTo(ErrorCode.CONFLICT))
			.verify(Duration.ofSeconds(5));
		assertThat(this.budget.settled).containsExactly(0L);
		assertThat(this.ledger).isEmpty();
		assertThat(model.subscriptions).hasValue(0);
	}

	@Test
	void anInvalidPromptIsRefusedBeforeAnyReservation() {
		this.renderer.refuse = ApiException.invalidParam("max_tokens", "too many");
		StepVerifier.create(pipeline(ScriptedChatModel.stalling()).admit(request(), this.storage))
			.expectErrorSatisfies((refused) -> assertThat(((ApiException) refused).param()).isEqualTo("max_tokens"))
			.verify(Duration.ofSeconds(5));
		assertThat(this.budget.reserved).isEmpty();
		assertThat(this.storage.begun).hasValue(0);
	}

	@Test
	void aClientThatLeavesWhileTheTurnBeginsLeavesNoTurnOpen() throws Exception {
		Sinks.Empty<Void> gate = Sinks.empty();
		this.storage.beginGate = gate.asMono();
		ScriptedChatModel model = ScriptedChatModel.stalling("never");
		Disposable admission = pipeline(model).admit(request(), this.storage).subscribe();
		assertThat(this.storage.begun).hasValue(1);
		admission.dispose();
		// The storage finishes beginning after the client left: the turn is ended at once, unrun.
		gate.tryEmitEmpty();
		this.storage.ended.get(5, TimeUnit.SECONDS);
		assertThat(model.subscriptions).hasValue(0);
		assertSettled(FinishReason.CANCELLED, 0, 0, "", MessageStatus.PARTIAL);
	}

	@Test
	void aTurnRunsOnce() {
		AdmittedTurn<String> turn = admit(ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "x"));
		turn.events().blockLast(Duration.ofSeconds(5));
		StepVerifier.create(turn.events()).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
		assertThat(this.ledger).hasSize(1);
	}

	/** One settlement: the reservation corrected once, one ledger row, one stored outcome, all agreeing. */
	private void assertSettled(FinishReason reason, int promptTokens, int completionTokens, String content,
			MessageStatus status) {
		assertThat(this.budget.settled).containsExactly((long) promptTokens + completionTokens);
		assertThat(this.ledger).singleElement().satisfies((usage) -> {
			assertThat(usage.finishReason()).isEqualTo(reason);
			assertThat(usage.promptTokens()).isEqualTo(promptTokens);
			assertThat(usage.completionTokens()).isEqualTo(completionTokens);
			assertThat(usage.model()).isEqualTo("scripted");
		});
		assertThat(this.storage.outcomes).singleElement().satisfies((outcome) -> {
			assertThat(outcome.status()).isEqualTo(status);
			assertThat(outcome.content()).isEqualTo(content);
			assertThat(outcome.usage()).isEqualTo(this.ledger.get(0));
		});
	}

	/** Renders nothing: every prompt counts {@link #PROMPT_TOKENS}, and text one token per character. */
	private static final class CountingRenderer implements PromptRenderer {

		private @Nullable ApiException refuse;

		@Override
		public Mono<RenderedPrompt> render(Prompt prompt) {
			return fit(prompt);
		}

		@Override
		public Mono<RenderedPrompt> fit(Prompt prompt) {
			if (this.refuse != null) {
				return Mono.error(this.refuse);
			}
			return Mono.just(new RenderedPrompt() {

				@Override
				public Prompt prompt() {
					return prompt;
				}

				@Override
				public String model() {
					return "scripted";
				}

				@Override
				public int promptTokens() {
					return PROMPT_TOKENS;
				}

				@Override
				public int maxTokens() {
					return prompt.getOptions().getMaxTokens();
				}

			});
		}

		@Override
		public int contextSize(@Nullable String model) {
			return 1000;
		}

		@Override
		public Mono<Integer> textTokens(String model, String text) {
			return Mono.just(text.length());
		}

	}

	/** A budget of 1,000 tokens that records what is reserved and settled, or refuses. */
	private AdmittedTurn<String> admitCached(ScriptedChatModel model, Double temperature) {
		TurnRequest cached = new TurnRequest(CALLER, new Prompt(List.of(new UserMessage("Where is my order?")),
				InferenceChatOptions.builder().model("scripted").maxTokens(MAX_TOKENS).temperature(temperature).build()),
				true, true);
		AdmittedTurn<String> turn = pipeline(model).admit(cached, this.storage).block(Duration.ofSeconds(5));
		assertThat(turn).isNotNull();
		return turn;
	}

	@Test
	void aDeterministicAnswerIsKeptAndReplayedWithoutTheModelAndWithoutCharge() {
		AdmittedTurn<String> first = admitCached(ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "Hel", "lo"),
				0.0);
		assertThat(first.cacheStatus()).isEqualTo("miss");
		first.events().blockLast(Duration.ofSeconds(5));
		assertThat(this.cache.entries).hasSize(1);
		assertThat(String.join("", this.cache.entries.values())).contains("Hello");

		ScriptedChatModel untouched = ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "never");
		AdmittedTurn<String> second = admitCached(untouched, 0.0);
		assertThat(second.cacheStatus()).isEqualTo("hit");
		List<TurnEvent<String>> events = second.events().collectList().block(Duration.ofSeconds(5));
		assertThat(untouched.subscriptions).as("no model computes a replay").hasValue(0);
		assertThat(events.get(0)).isEqualTo(TurnEvent.Delta.text("Hello"));
		TurnEvent.Finished<String> end = (TurnEvent.Finished<String>) events.get(1);
		assertThat(end.outcome().usage().cacheHit()).isTrue();
		assertThat(end.outcome().usage().completionTokens()).as("what the answer is worth").isEqualTo(2);
		assertThat(this.budget.settled).containsExactly((long) PROMPT_TOKENS + 2, 0L);
		assertThat(this.ledger).extracting(UsageRecord::cacheHit).containsExactly(false, true);
	}

	@Test
	void aSampledAnswerOrOneCutShortIsNeverCached() {
		AdmittedTurn<String> sampled = admitCached(ScriptedChatModel.finishing(FinishReason.STOP, PROMPT_TOKENS, "x"), 0.7);
		assertThat(sampled.cacheStatus()).as("not deterministic").isNull();
		sampled.events().blockLast(Duration.ofSeconds(5));
		AdmittedTurn<String> cut = admitCached(ScriptedChatModel.stalling("a", "b"), 0.0);
		StepVerifier.create(cut.events()).expectNextCount(2).thenCancel().verify(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ledger.size() == 2);
		assertThat(this.cache.entries).isEmpty();
	}

	/** The encrypted cache's contract, in a map: enough to see what the pipeline keeps. */
	private static final class MapCache implements dev.enclave.privacy.EncryptedCache {

		final Map<String, String> entries = new java.util.concurrent.ConcurrentHashMap<>();

		@Override
		public String name() {
			return ResponseCache.NAME;
		}

		@Override
		public java.util.Optional<String> get(dev.enclave.privacy.CacheScope scope, String key) {
			return java.util.Optional.ofNullable(this.entries.get(scope.tenant() + key));
		}

		@Override
		public void put(dev.enclave.privacy.CacheScope scope, String key, String value) {
			this.entries.put(scope.tenant() + key, value);
		}

		@Override
		public void evictTenant(TenantId tenant) {
			this.entries.keySet().removeIf((key) -> key.startsWith(tenant.toString()));
		}

		@Override
		public void evictConversation(dev.enclave.shared.ConversationId conversation) {
		}

	}

	private static final class RecordingBudget implements TokenBudget {

		final List<Long> reserved = new CopyOnWriteArrayList<>();

		final List<Long> settled = new CopyOnWriteArrayList<>();

		volatile boolean refuse;

		@Override
		public Mono<TokenReservation> reserve(Principal caller, long tokens) {
			if (this.refuse) {
				return Mono.error(new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED, "Token rate limit reached")
					.withRetryAfter(Duration.ofSeconds(3)));
			}
			this.reserved.add(tokens);
			return Mono.just(new TokenReservation() {

				@Override
				public long reserved() {
					return tokens;
				}

				@Override
				public Map<String, String> headers() {
					return Map.of("x-ratelimit-remaining-tokens", Long.toString(1000 - tokens));
				}

				@Override
				public Mono<Void> settle(long usedTokens) {
					return Mono.fromRunnable(() -> RecordingBudget.this.settled.add(usedTokens));
				}

			});
		}

		@Override
		public void recordFailure(Throwable failure) {
		}

	}

	/** Storage that records its begin and every end, and can refuse or hold the begin. */
	private static final class RecordingStorage implements TurnStorage<String> {

		final AtomicInteger begun = new AtomicInteger();

		final List<TurnOutcome> outcomes = new CopyOnWriteArrayList<>();

		final CompletableFuture<TurnOutcome> ended = new CompletableFuture<>();

		volatile @Nullable ApiException refuseBegin;

		volatile Mono<Void> beginGate = Mono.empty();

		@Override
		public Mono<Void> begin() {
			this.begun.incrementAndGet();
			return (this.refuseBegin != null) ? Mono.error(this.refuseBegin) : this.beginGate;
		}

		@Override
		public Mono<String> end(TurnOutcome outcome) {
			return Mono.fromSupplier(() -> {
				this.outcomes.add(outcome);
				this.ended.complete(outcome);
				return "stored " + outcome.content();
			});
		}

	}

}
