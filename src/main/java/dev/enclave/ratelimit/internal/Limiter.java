package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.enclave.ratelimit.internal.Decision.Limit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import org.jspecify.annotations.Nullable;

/**
 * The limit checks, on whichever store: every scope of a request (its key or user, and its
 * tenant) must pass, and a request refused by one scope gives back what the others took, so
 * a refusal costs nothing. {@link #admit} and {@link #reserve} block on a shared store;
 * {@link RateLimiter} runs them off the event loop, and first tries {@link #admitLocally} and
 * {@link #reserveLocally}, which never block: they decide on what this replica holds (its
 * {@link Grants} and free concurrency slots), or on buckets in memory.
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

	/** What this replica took from a shared store ahead of need; null: nothing is. */
	private final @Nullable Grants grants;

	/** Whether the buckets are in this JVM, so that every decision is local and never blocks. */
	private final boolean inMemory;

	/** Limits of a single node: buckets and leases in memory, nothing blocks. */
	Limiter(Buckets buckets, Leases leases) {
		this.buckets = buckets;
		this.leases = leases;
		this.refunds = null;
		this.grants = null;
		this.inMemory = true;
	}

	/**
	 * Limits in a shared store. Refunds wait for {@link #creditRefunds()}: the store would
	 * otherwise take one transaction per settled request to give back what it did not use. A
	 * refund that waits only ever makes a limit stricter for that while, never looser.
	 * @param grants what the replica takes ahead of need, or null to check every request in the store
	 */
	Limiter(Buckets buckets, Leases leases, @Nullable Grants grants) {
		this.buckets = buckets;
		this.leases = leases;
		this.refunds = new ConcurrentHashMap<>();
		this.grants = grants;
		this.inMemory = false;
	}

	/**
	 * Admits a request without blocking, when that can be decided here: on buckets in memory,
	 * or on this replica's fresh grants of every scope and a free concurrency slot it holds.
	 * @return the decision, or null when only the store can decide ({@link #admit})
	 */
	@Nullable Decision admitLocally(List<ScopedLimits> limits, UUID lease) {
		if (this.inMemory) {
			return admit(limits, lease);
		}
		List<long[]> spent = spendLocally(limits, Buckets::requestsName, 1);
		if (spent == null) {
			return null;
		}
		LimitStatus tightest = null;
		for (int i = 0; i < limits.size(); i++) {
			tightest = tighter(tightest,
					LimitStatus.of(limits.get(i).tier().requestsPerMinute(), spent.get(i)[0], Buckets.MINUTE));
		}
		LimitStatus tokens = peekTokensLocally(limits);
		if (tokens == null || !this.leases.acquireLocally(lease, limits)) {
			giveBackLocally(limits, Buckets::requestsName, 1, limits.size());
			return null;
		}
		return new Decision(null, Duration.ZERO, tightest, tokens);
	}

	/**
	 * Spends {@code tokens} from this replica's fresh grant of one bucket of every scope, or
	 * from none of them.
	 * @return what each bucket has left as this replica knows it, in the order of
	 * {@code limits}; null when any grant is missing, stale or short
	 */
	private @Nullable List<long[]> spendLocally(List<ScopedLimits> limits, Function<ScopedLimits, String> bucket,
			long tokens) {
		if (this.grants == null) {
			return null;
		}
		List<long[]> spent = new ArrayList<>(limits.size());
		for (ScopedLimits scoped : limits) {
			long[] available = this.grants.spend(bucket.apply(scoped), tokens);
			if (available == null) {
				giveBackLocally(limits, bucket, tokens, spent.size());
				return null;
			}
			spent.add(available);
		}
		return spent;
	}

	/** Gives back what {@link #spendLocally} spent from the first {@code count} scopes. */
	private void giveBackLocally(List<ScopedLimits> limits, Function<ScopedLimits, String> bucket, long tokens,
			int count) {
		for (int i = 0; i < count; i++) {
			// A grant taken back meanwhile keeps the tokens from the store: stricter, never looser.
			this.grants.giveBack(bucket.apply(limits.get(i)), tokens);
		}
	}
	/** The tightest token limit as this replica knows it from fresh grants; null when any scope is unknown. */
	private @Nullable LimitStatus peekTokensLocally(List<ScopedLimits> limits) {
		LimitStatus tightest = null;
		for (ScopedLimits scoped : limits) {
			long[] available = (this.grants != null) ? this.grants.peek(Buckets.tokensName(scoped)) : null;
			if (available == null) {
				return null;
			}
			tightest = tighter(tightest, tokenStatus(scoped.tier(), available));
		}
		return tightest;
	}

	/**
	 * Reserves tokens without blocking, when that can be decided here: on buckets in memory,
	 * or on this replica's fresh token grants of every scope.
	 * @return the decision, or null when only the store can decide ({@link #reserve})
	 */
	@Nullable Decision reserveLocally(List<ScopedLimits> limits, long tokens) {
		if (this.inMemory) {
			return reserve(limits, tokens);
		}
		List<long[]> spent = spendLocally(limits, Buckets::tokensName, tokens);
		if (spent == null) {
			return null;
		}
		LimitStatus tightest = null;
		for (int i = 0; i < limits.size(); i++) {
			tightest = tighter(tightest, tokenStatus(limits.get(i).tier(), spent.get(i)));
		}
		return new Decision(null, Duration.ZERO, null, tightest);
	}
	/**
	 * Settles a reservation without blocking, when that can be done here: a refund waits for
	 * the next credit (or joins the grant it came from), a charge is taken from fresh grants.
	 * @return false when only the store can ({@link #adjust})
	 */
	boolean adjustLocally(List<ScopedLimits> limits, long delta) {
		if (this.inMemory) {
			adjust(limits, delta);
			return true;
		}
		if (delta < 0) {
			return deferRefund(limits, -delta);
		}
		if (delta == 0) {
			return true;
		}
		return reserveLocally(limits, delta) != null;
	}

	/** Counts one request in every scope and takes a concurrency lease for it. */
	Decision admit(List<ScopedLimits> limits, UUID lease) {
		List<Bucket> taken = new ArrayList<>();
		LimitStatus tightest = null;
		Duration wait = Duration.ZERO;
		for (ScopedLimits scoped : limits) {
			Bucket bucket = this.buckets.requests(scoped);
			long capacity = scoped.tier().requestsPerMinute();
			long extra = (this.grants != null) ? this.grants.wanted(Buckets.requestsName(scoped), capacity, 1) : 0;
			// The request's own token and a grant for the next ones, in one transaction; near the
			// limit, where the grant does not fit, just the request's.
			ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1 + extra);
			if (!probe.isConsumed() && extra > 0) {
				extra = 0;
				probe = bucket.tryConsumeAndReturnRemaining(1);
			}
			long remaining = Math.max(0, probe.getRemainingTokens());
			if (probe.isConsumed()) {
				taken.add(bucket);
				if (this.grants != null) {
					remaining = this.grants.topUp(Buckets.requestsName(scoped), scoped, false, extra,
							new long[] { remaining })[0];
				}
			}
			else {
				wait = max(wait, Duration.ofNanos(probe.getNanosToWaitForRefill()));
				if (this.grants != null) {
					// Remembered, so that the next request here does not try for a grant that cannot fit.
					this.grants.topUp(Buckets.requestsName(scoped), scoped, false, 0, new long[] { remaining });
				}
			}
			LimitStatus status = LimitStatus.of(capacity, remaining, Buckets.MINUTE);
			tightest = (tightest == null) ? status : LimitStatus.tighter(tightest, status);
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
			long[] available = (this.grants != null) ? this.grants.peek(Buckets.tokensName(scoped)) : null;
			if (available == null) {
				VerboseResult<Long> result = this.buckets.tokens(scoped).asVerbose().getAvailableTokens();
				available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
				if (this.grants != null) {
					// Remembered, so that requests decided here can say it for a while.
					available = this.grants.topUp(Buckets.tokensName(scoped), scoped, true, 0, available);
				}
			}
			tightest = tighter(tightest, tokenStatus(scoped.tier(), available));
		}
		return tightest;
	}

	/**
	 * Reserves {@code tokens} in every scope. A reservation larger than a bucket could ever
	 * hold is admitted when the bucket is full and then owes the rest (the bucket goes
	 * negative), so a huge request is possible but never free.
	 */
	Decision reserve(List<ScopedLimits> limits, long tokens) {
		List<Bucket> taken = new ArrayList<>();
		LimitStatus tightest = null;
		Duration wait = Duration.ZERO;
		Limit refused = null;
		for (ScopedLimits scoped : limits) {
			Tier tier = scoped.tier();
			long capacity = Math.min(tier.tokensPerMinute(), tier.tokensPerDay());
			long now = Math.min(tokens, capacity);
			long extra = (this.grants != null) ? this.grants.wanted(Buckets.tokensName(scoped), capacity, now) : 0;
			Bucket bucket = this.buckets.tokens(scoped);
			VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(now + extra);
			if (!result.getValue().isConsumed() && extra > 0) {
				extra = 0;
				result = bucket.asVerbose().tryConsumeAndReturnRemaining(now);
			}
			long[] available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
			if (result.getValue().isConsumed()) {
				taken.add(bucket);
				if (tokens > now) {
					bucket.consumeIgnoringRateLimits(tokens - now);
					available = new long[] { available[0] - (tokens - now), available[1] - (tokens - now) };
				}
				if (this.grants != null) {
					available = this.grants.topUp(Buckets.tokensName(scoped), scoped, true, extra, available);
				}
			}
			else {
				wait = max(wait, Duration.ofNanos(result.getValue().getNanosToWaitForRefill()));
				// The day's budget is the one to name when it is short: waiting out the minute would not help.
				Limit limit = (available[Buckets.DAY_BANDWIDTH] < now) ? Limit.TOKENS_PER_DAY : Limit.TOKENS_PER_MINUTE;
				refused = (refused == Limit.TOKENS_PER_DAY) ? refused : limit;
				if (this.grants != null) {
					// Remembered, so that the next request here does not try for a grant that cannot fit.
					available = this.grants.topUp(Buckets.tokensName(scoped), scoped, true, 0, available);
				}
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
			// Into the grant the tokens came from, when there is one: spendable here at once.
			if (this.grants == null || !this.grants.giveBack(Buckets.tokensName(scoped), tokens)) {
				this.refunds.merge(scoped, tokens, Long::sum);
			}
		}
		return true;
	}

	/**
	 * Gives what is left of grants older than their age back to the store (of every grant when
	 * {@code all}: a graceful shutdown), one store call per grant, so tokens a replica does not
	 * spend return to the others.
	 */
	void returnGrants(boolean all) {
		if (this.grants == null) {
			return;
		}
		RuntimeException failed = null;
		for (Grants.Unspent unspent : this.grants.expire(all)) {
			try {
				Bucket bucket = unspent.tokenBucket() ? this.buckets.tokens(unspent.limits())
						: this.buckets.requests(unspent.limits());
				bucket.addTokens(unspent.tokens());
			}
			catch (RuntimeException ex) {
				// Lost to the store until the bucket refills: stricter for that while, never looser.
				failed = ex;
			}
		}
		if (failed != null) {
			throw failed;
		}
	}

	/**
	 * Refreshes, ahead of need, the grants this replica uses once they are half their age, one
	 * store call each, off the request path: a grant spent from is topped up to its size, one
	 * only read (a scope's token limit while nothing reserved tokens) is read again. Without
	 * it, the first requests to find a grant stale all went to the store at once and queued on
	 * the bucket's row lock, a few times a second on a busy scope. Near a limit, where a top-up
	 * does not fit, the grant is only read again, as a request in the store would.
	 */
	void refreshGrants() {
		if (this.grants == null) {
			return;
		}
		for (Grants.Due due : this.grants.due()) {
			ScopedLimits scoped = due.limits();
			Tier tier = scoped.tier();
			if (due.tokenBucket()) {
				long capacity = Math.min(tier.tokensPerMinute(), tier.tokensPerDay());
				long extra = due.spent() ? this.grants.wanted(due.name(), capacity, 0) : 0;
				Bucket bucket = this.buckets.tokens(scoped);
				long[] available;
				if (extra > 0) {
					VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(extra);
					extra = result.getValue().isConsumed() ? extra : 0;
					available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
				}
				else {
					available = bucket.asVerbose().getAvailableTokens().getDiagnostics().getAvailableTokensPerEachBandwidth();
				}
				this.grants.topUp(due.name(), scoped, true, extra, available);
			}
			else {
				long extra = due.spent() ? this.grants.wanted(due.name(), tier.requestsPerMinute(), 0) : 0;
				Bucket bucket = this.buckets.requests(scoped);
				long remaining;
				if (extra > 0) {
					ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(extra);
					extra = probe.isConsumed() ? extra : 0;
					remaining = probe.getRemainingTokens();
				}
				else {
					remaining = bucket.getAvailableTokens();
				}
				this.grants.topUp(due.name(), scoped, false, extra, new long[] { Math.max(0, remaining) });
			}
		}
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
					throw ex;
				}
			}
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
