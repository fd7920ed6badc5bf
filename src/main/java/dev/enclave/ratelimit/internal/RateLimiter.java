package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.ratelimit.TokenReservation;
import dev.enclave.ratelimit.internal.Decision.Limit;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;


/**
 * The reactive face of the limit checks: resolves whose limits apply, runs the blocking
 * store calls through {@link StoreCalls}, turns refusals into 429s, a saturated bulkhead into
 * 503 {@code overloaded} and an unreachable store into the configured failure mode, and
 * counts every decision.
 */
final class RateLimiter implements TokenBudget {

	private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

	private static final Duration SATURATED_RETRY = Duration.ofSeconds(1);

	/** One warning per this interval while the store is down, not one per request. */
	private static final long UNAVAILABLE_LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

	private final Limiter limiter;

	private final QuotaPlans plans;

	private final RateLimitSettings settings;

	private final RateLimitMetrics metrics;

	private final StoreCalls store;

	private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - UNAVAILABLE_LOG_EVERY_NANOS);

	RateLimiter(Limiter limiter, QuotaPlans plans, RateLimitSettings settings, RateLimitMetrics metrics,
			StoreCalls store) {
		this.limiter = limiter;
		this.plans = plans;
		this.settings = settings;
		this.metrics = metrics;
		this.store = store;
	}

	/**
	 * Admits one API request: a request counted in every scope and a concurrency lease,
	 * which the returned admission must release when the request ends.
	 */
	Mono<Admission> admit(Principal caller) {
		UUID lease = UUID.randomUUID();
		return this.plans.limitsOf(caller)
			// Decided on what this replica holds when it can be, without leaving the thread.
			.flatMap((limits) -> this.store.decide(limits, () -> this.limiter.admitLocally(limits, lease),
					() -> this.limiter.admit(limits, lease)))
			.map((decision) -> {
				if (!decision.admitted()) {
					throw refusal(decision);
				}
				this.metrics.decision("allowed", Limit.REQUESTS.tag());
				return new Admission(lease, decision.requests(), decision.tokens());
			})
			.onErrorResume((ex) -> !(ex instanceof ApiException), (ex) -> {
				if (ex instanceof TimeoutException) {
					// The store may still take the lease after we gave up waiting: give it back.
					release(lease);
				}
				return unavailable(ex, () -> new Admission(null, null, null));
			});
	}

	/**
	 * Gives a concurrency lease back: at once where the replica keeps the slot, in the
	 * background where the store must hear of it; the response never waits for the store.
	 */
	void release(UUID lease) {
		Runnable rest = this.limiter.release(lease);
		if (rest == null) {
			return;
		}
		this.store.unguarded(() -> {
			rest.run();
			return Boolean.TRUE;
		}).subscribe(null, (ex) -> log.warn("Could not release a concurrency lease: {}", describe(ex)));
	}

	@Override
	public Mono<TokenReservation> reserve(Principal caller, long tokens) {
		long wanted = Math.max(0, tokens);
		return this.plans.limitsOf(caller)
			.flatMap((limits) -> {
				Mono<Decision> decided = this.store.decide(limits, () -> this.limiter.reserveLocally(limits, wanted),
						() -> this.limiter.reserve(limits, wanted));
				return decided.map((decision) -> {
					if (!decision.admitted()) {
						throw refusal(decision);
					}
					this.metrics.decision("allowed", "tokens");
					return (TokenReservation) new Reservation(limits, wanted, RateLimitHeaders.of(null, decision.tokens()));
				});
			})
			.onErrorResume((ex) -> !(ex instanceof ApiException), (ex) -> unavailable(ex, Unlimited::new));
	}

	@Override
	public void recordFailure(Throwable failure) {
		if (failure instanceof ApiException api && api.code() == ErrorCode.OVERLOADED) {
			this.metrics.rejection("overloaded");
		}
	}

	private ApiException refusal(Decision decision) {
		Limit limit = decision.refused();
		this.metrics.decision("rejected", limit.tag());
		this.metrics.rejection(limit.tag());
		ErrorCode code = (limit == Limit.TOKENS_PER_DAY) ? ErrorCode.QUOTA_EXCEEDED : ErrorCode.RATE_LIMIT_EXCEEDED;
		long seconds = Math.max(1, decision.retryAfter().toSeconds() + ((decision.retryAfter().toNanosPart() > 0) ? 1 : 0));
		String what = switch (limit) {
			case REQUESTS -> "Request rate limit reached";
			case CONCURRENCY -> "Too many requests in flight";
			case TOKENS_PER_MINUTE -> "Token rate limit reached";
			case TOKENS_PER_DAY -> "Daily token quota reached";
		};
		ApiException refusal = new ApiException(code, what + "; retry after " + seconds + " s")
			.withRetryAfter(decision.retryAfter());
		for (Map.Entry<String, String> header : RateLimitHeaders.of(decision.requests(), decision.tokens()).entrySet()) {
			refusal = refusal.withHeader(header.getKey(), header.getValue());
		}
		return refusal;
	}

	private <T> Mono<T> unavailable(Throwable failure, Supplier<T> open) {
		if (failure instanceof BulkheadFullException) {
			this.metrics.rejection("admission_saturated");
			return Mono.error(new ApiException(ErrorCode.OVERLOADED,
					"Too many requests are waiting for admission; try again shortly")
				.withRetryAfter(SATURATED_RETRY));
		}
		boolean failOpen = this.settings.failureMode() == RateLimitSettings.FailureMode.OPEN;
		this.metrics.decision(failOpen ? "fail_open" : "fail_closed", "store");
		long now = System.nanoTime();
		long last = this.lastUnavailableLog.get();
		if (now - last >= UNAVAILABLE_LOG_EVERY_NANOS && this.lastUnavailableLog.compareAndSet(last, now)) {
			log.warn("The rate limit store is unreachable; failing {}: {}", failOpen ? "open" : "closed",
					describe(failure));
		}
		if (failOpen) {
			return Mono.fromSupplier(open);
		}
		this.metrics.rejection("ratelimit_unavailable");
		return Mono.error(new ApiException(ErrorCode.RATELIMIT_UNAVAILABLE,
				"Rate limits cannot be checked right now; try again shortly")
			.withRetryAfter(this.settings.unavailableRetryAfter())
			.withCause(failure));
	}

	private static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return failure.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
	}

	/**
	 * An admitted request; {@link #release()} once when it ends, however it ends. Without a
	 * lease it was let through unlimited because the store is down and fails open.
	 */
	final class Admission {

		private final @Nullable UUID lease;

		private final @Nullable LimitStatus requests;

		private final @Nullable LimitStatus tokens;

		private final AtomicBoolean released = new AtomicBoolean();

		private Admission(@Nullable UUID lease, @Nullable LimitStatus requests, @Nullable LimitStatus tokens) {
			this.lease = lease;
			this.requests = requests;
			this.tokens = tokens;
		}

		@Nullable LimitStatus requests() {
			return this.requests;
		}

		@Nullable LimitStatus tokens() {
			return this.tokens;
		}

		void release() {
			if (this.lease != null && this.released.compareAndSet(false, true)) {
				RateLimiter.this.release(this.lease);
			}
		}

	}

	private final class Reservation implements TokenReservation {

		private final List<ScopedLimits> limits;

		private final long reserved;

		private final Map<String, String> headers;

		private final AtomicBoolean settled = new AtomicBoolean();

		Reservation(List<ScopedLimits> limits, long reserved, Map<String, String> headers) {
			this.limits = limits;
			this.reserved = reserved;
			this.headers = headers;
		}

		@Override
		public long reserved() {
			return this.reserved;
		}

		@Override
		public Map<String, String> headers() {
			return this.headers;
		}

		@Override
		public Mono<Void> settle(long usedTokens) {
			long delta = Math.max(0, usedTokens) - this.reserved;
			if (!this.settled.compareAndSet(false, true) || delta == 0) {
				return Mono.empty();
			}
			if (RateLimiter.this.limiter.adjustLocally(this.limits, delta)) {
				// The usual end of a request (it used less than it reserved) needs no store call, so no hop.
				return Mono.empty();
			}
			return RateLimiter.this.store.unguarded(() -> {
				RateLimiter.this.limiter.adjust(this.limits, delta);
				return Boolean.TRUE;
			}).then().onErrorResume((ex) -> {
				RateLimiter.this.metrics.decision("settle_failed", "tokens");
				log.warn("Could not settle a token reservation ({} tokens): {}", delta, describe(ex));
				return Mono.empty();
			});
		}

	}

	/** A reservation made while the store was down and fails open: nothing to settle. */
	private static final class Unlimited implements TokenReservation {

		@Override
		public long reserved() {
			return 0;
		}

		@Override
		public Map<String, String> headers() {
			return Map.of();
		}

		@Override
		public Mono<Void> settle(long usedTokens) {
			return Mono.empty();
		}

	}

}
