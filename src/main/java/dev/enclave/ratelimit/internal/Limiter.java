package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.enclave.ratelimit.internal.Decision.Limit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import org.jspecify.annotations.Nullable;

/**
 * The limit checks, on whichever store: every scope of a request (its key or user, and its
 * tenant) must pass, and a request refused by one scope gives back what the others took, so
 * a refusal costs nothing. These calls block on the store; {@link RateLimiter} runs them off
 * the event loop.
 */
final class Limiter {

	/**
	 * A slot frees when some request of the scope ends, which nobody can know in advance;
	 * one second is the soonest honest guess.
	 */
	static final Duration CONCURRENCY_RETRY = Duration.ofSeconds(1);

	private final Buckets buckets;

	private final Leases leases;

	/** Refunds not credited yet, by scope; null when every refund is credited at once. */
	private final @Nullable Map<ScopedLimits, Long> refunds;

	Limiter(Buckets buckets, Leases leases) {
		this(buckets, leases, false);
	}

	/**
	 * @param batchRefunds whether refunds wait for {@link #creditRefunds()}: a shared store
	 * would otherwise take one transaction per settled request to give back what it did not
	 * use. A refund that waits only ever makes a limit stricter for that while, never looser.
	 */
	Limiter(Buckets buckets, Leases leases, boolean batchRefunds) {
		this.buckets = buckets;
		this.leases = leases;
		this.refunds = batchRefunds ? new ConcurrentHashMap<>() : null;
	}

	/** Counts one request in every scope and takes a concurrency lease for it. */
	Decision admit(List<ScopedLimits> limits, UUID lease) {
		return recovering(limits, () -> admitOnce(limits, lease));
	}

	private Decision admitOnce(List<ScopedLimits> limits, UUID lease) {
		List<Bucket> taken = new ArrayList<>();
		LimitStatus tightest = null;
		Duration wait = Duration.ZERO;
		for (ScopedLimits scoped : limits) {
			Bucket bucket = this.buckets.requests(scoped);
			ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
			long capacity = scoped.tier().requestsPerMinute();
			LimitStatus status = LimitStatus.of(capacity, Math.max(0, probe.getRemainingTokens()), Buckets.MINUTE);
			tightest = (tightest == null) ? status : LimitStatus.tighter(tightest, status);
			if (probe.isConsumed()) {
				taken.add(bucket);
			}
			else {
				wait = max(wait, Duration.ofNanos(probe.getNanosToWaitForRefill()));
			}
		}
		if (!wait.isZero() || taken.size() < limits.size()) {
			taken.forEach((bucket) -> bucket.addTokens(1));
			return new Decision(Limit.REQUESTS, atLeastOneNano(wait), tightest, null);
		}
		LimitStatus tokens = peekTokens(limits);
		if (!this.leases.acquire(lease, limits)) {
			taken.forEach((bucket) -> bucket.addTokens(1));
			return new Decision(Limit.CONCURRENCY, CONCURRENCY_RETRY, tightest, tokens);
		}
		return new Decision(null, Duration.ZERO, tightest, tokens);
	}

	/** Gives a lease back at once; returns what is left for the store, or null. */
	@Nullable Runnable release(UUID lease) {
		return this.leases.release(lease);
	}

	/** The tightest token limit now, without spending anything. */
	@Nullable LimitStatus peekTokens(List<ScopedLimits> limits) {
		LimitStatus tightest = null;
		for (ScopedLimits scoped : limits) {
			VerboseResult<Long> result = this.buckets.tokens(scoped).asVerbose().getAvailableTokens();
			tightest = tighter(tightest, tokenStatus(scoped.tier(), result.getDiagnostics().getAvailableTokensPerEachBandwidth()));
		}
		return tightest;
	}

	/**
	 * Reserves {@code tokens} in every scope. A reservation larger than a bucket could ever
	 * hold is admitted when the bucket is full and then owes the rest (the bucket goes
	 * negative), so a huge request is possible but never free.
	 */
	Decision reserve(List<ScopedLimits> limits, long tokens) {
		return recovering(limits, () -> reserveOnce(limits, tokens));
	}

	private Decision reserveOnce(List<ScopedLimits> limits, long tokens) {
		List<Bucket> taken = new ArrayList<>();
		LimitStatus tightest = null;
		Duration wait = Duration.ZERO;
		Limit refused = null;
		for (ScopedLimits scoped : limits) {
			Tier tier = scoped.tier();
			long now = Math.min(tokens, Math.min(tier.tokensPerMinute(), tier.tokensPerDay()));
			Bucket bucket = this.buckets.tokens(scoped);
			VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(now);
			long[] available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
			if (result.getValue().isConsumed()) {
				taken.add(bucket);
				if (tokens > now) {
					bucket.consumeIgnoringRateLimits(tokens - now);
					available = new long[] { available[0] - (tokens - now), available[1] - (tokens - now) };
				}
			}
			else {
				wait = max(wait, Duration.ofNanos(result.getValue().getNanosToWaitForRefill()));
				// The day's budget is the one to name when it is short: waiting out the minute would not help.
				Limit limit = (available[Buckets.DAY_BANDWIDTH] < now) ? Limit.TOKENS_PER_DAY : Limit.TOKENS_PER_MINUTE;
				refused = (refused == Limit.TOKENS_PER_DAY) ? refused : limit;
			}
			tightest = tighter(tightest, tokenStatus(tier, available));
		}
		if (refused != null) {
			taken.forEach((bucket) -> bucket.addTokens(tokens));
			return new Decision(refused, atLeastOneNano(wait), null, tightest);
		}
		return new Decision(null, Duration.ZERO, null, tightest);
	}

	/** Charges ({@code delta > 0}) or refunds ({@code delta < 0}) tokens in every scope. */
	void adjust(List<ScopedLimits> limits, long delta) {
		recovering(limits, () -> {
			adjustOnce(limits, delta);
			return null;
		});
	}

	private void adjustOnce(List<ScopedLimits> limits, long delta) {
		if (delta < 0 && deferRefund(limits, -delta)) {
			return;
		}
		for (ScopedLimits scoped : limits) {
			if (delta > 0) {
				this.buckets.tokens(scoped).consumeIgnoringRateLimits(delta);
			}
			else if (delta < 0) {
				this.buckets.tokens(scoped).addTokens(-delta);
			}
		}
	}

	/**
	 * Notes a refund of {@code tokens} in every scope for the next {@link #creditRefunds()},
	 * without touching the store, so it never blocks.
	 * @return false when refunds are credited at once, by {@link #adjust}
	 */
	boolean deferRefund(List<ScopedLimits> limits, long tokens) {
		if (this.refunds == null) {
			return false;
		}
		for (ScopedLimits scoped : limits) {
			this.refunds.merge(scoped, tokens, Long::sum);
		}
		return true;
	}

	/** Credits the refunds that waited: one store call per scope, however many requests settled. */
	void creditRefunds() {
		if (this.refunds == null) {
			return;
		}
		for (ScopedLimits scoped : List.copyOf(this.refunds.keySet())) {
			// remove and merge are atomic: a refund added meanwhile waits for the next pass.
			Long tokens = this.refunds.remove(scoped);
			if (tokens != null && tokens > 0) {
				try {
					this.buckets.tokens(scoped).addTokens(tokens);
				}
				catch (RuntimeException ex) {
					// Kept for the next pass: a refund is owed, not optional.
					this.refunds.merge(scoped, tokens, Long::sum);
					// A swept row: the next pass credits it to a fresh copy.
					this.buckets.recover(ex, List.of(scoped));
					throw ex;
				}
			}
		}
	}

	/**
	 * Runs a bucket operation, and once more when the store could repair what failed it. A
	 * first attempt that failed half-way may have counted a request or tokens in some scope
	 * already: the second counts them again, which only ever makes a limit stricter.
	 */
	private <T> T recovering(List<ScopedLimits> limits, Supplier<T> operation) {
		try {
			return operation.get();
		}
		catch (RuntimeException ex) {
			if (!this.buckets.recover(ex, limits)) {
				throw ex;
			}
			return operation.get();
		}
	}

	private static LimitStatus tokenStatus(Tier tier, long[] available) {
		LimitStatus minute = LimitStatus.of(tier.tokensPerMinute(), available[0], Buckets.MINUTE);
		LimitStatus day = LimitStatus.of(tier.tokensPerDay(), available[Buckets.DAY_BANDWIDTH], Buckets.DAY);
		return LimitStatus.tighter(minute, day);
	}

	private static LimitStatus tighter(@Nullable LimitStatus current, LimitStatus next) {
		return (current == null) ? next : LimitStatus.tighter(current, next);
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static Duration atLeastOneNano(Duration wait) {
		return wait.isZero() ? Duration.ofNanos(1) : wait;
	}

}
