package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;

/**
 * What this replica took from the shared buckets ahead of need: tokens already counted in the
 * store and not spent yet. A request spends them without a store call, so its limit check
 * never leaves its thread; only when a grant is short or older than its age does a request go
 * to the store, which counts the request and tops the grant up in the same transaction.
 * <p>
 * <b>Exact.</b> Every token is counted in the store before any request spends it here, so the
 * replicas together never admit more than a limit allows, in any window. The cost falls on the
 * strict side only: tokens granted here and not spent are unavailable to other replicas until
 * they go back, at most {@code maxAge} plus one pass of {@link #expire} later (a crash keeps
 * them until the bucket refills). A grant is at most {@code share} of the limit; a limit too
 * small for a one-token grant is checked in the store on every request.
 */
final class Grants {

	private final Map<String, Grant> grants = new ConcurrentHashMap<>();

	private final double share;

	private final long maxAgeNanos;

	private final TimeMeter time;

	/**
	 * @param share the share of a limit (0 to 0.1) a replica takes ahead of need
	 * @param maxAge the longest a grant is spent from before what is left of it goes back
	 */
	Grants(double share, Duration maxAge, TimeMeter time) {
		this.share = share;
		this.maxAgeNanos = maxAge.toNanos();
		this.time = time;
	}

	/**
	 * The tokens to take ahead of need from a bucket of this capacity, on top of what its grant
	 * still holds: a grant is topped up to its size, never beyond, so a grant topped up before
	 * {@link #expire} takes it back does not grow; and none while the store had too little
	 * left for the request's {@code need} and the grant.
	 */
	long wanted(String name, long capacity, long need) {
		long size = (long) Math.floor(capacity * this.share);
		Grant grant = this.grants.get(name);
		if (grant == null) {
			return size;
		}
		synchronized (grant) {
			long wanted = Math.max(0, size - grant.tokens);
			for (long available : grant.storeAvailable) {
				// Near the limit (as the store said last time) a grant would not fit, and trying
				// would cost a second transaction: the request takes just its own.
				if (available < need + wanted) {
					return 0;
				}
			}
			return wanted;
		}
	}

	/**
	 * Spends {@code tokens} of the fresh grant of a bucket.
	 * @return what the bucket has left per bandwidth as this replica knows it (what the store
	 * had after the last top-up, plus what is left here), or null when the grant is missing,
	 * older than its age or short: the caller asks the store
	 */
	long @Nullable [] spend(String name, long tokens) {
		Grant grant = this.grants.get(name);
		if (grant == null) {
			return null;
		}
		long now = this.time.currentTimeNanos();
		synchronized (grant) {
			if (now - grant.toppedUp >= this.maxAgeNanos || grant.tokens < tokens) {
				return null;
			}
			grant.tokens -= tokens;
			return grant.available();
		}
	}

	/**
	 * What the bucket has left per bandwidth as this replica knows it, while its grant is
	 * fresh; null otherwise.
	 */
	long @Nullable [] peek(String name) {
		return spend(name, 0);
	}

	/**
	 * Gives tokens back to the grant of a bucket: spent on a request that another scope then
	 * refused, or a refund of a reservation that used less. They go back to the store with the
	 * rest of the grant.
	 * @return false when this replica holds no grant of the bucket: the caller owes them to the store
	 */
	boolean giveBack(String name, long tokens) {
		Grant grant = this.grants.get(name);
		if (grant == null) {
			return false;
		}
		synchronized (grant) {
			// expire() removes a grant under its lock: one removed meanwhile is the store's again.
			if (this.grants.get(name) != grant) {
				return false;
			}
			grant.tokens += tokens;
		}
		return true;
	}

	/**
	 * Records a store call on a bucket: it took {@code extra} tokens beyond the request's own,
	 * which join the grant, and left the store with {@code storeAvailable} per bandwidth. The
	 * grant is fresh again from now.
	 * @return what the bucket has left per bandwidth as this replica knows it now
	 */
	long[] topUp(String name, ScopedLimits limits, boolean tokenBucket, long extra, long[] storeAvailable) {
		while (true) {
			Grant grant = this.grants.computeIfAbsent(name, (key) -> new Grant(limits, tokenBucket));
			synchronized (grant) {
				if (this.grants.get(name) == grant) {
					grant.tokens += extra;
					grant.storeAvailable = storeAvailable.clone();
					grant.toppedUp = this.time.currentTimeNanos();
					return grant.available();
				}
			}
			// expire() took this grant back meanwhile: the tokens go to a new one.
		}
	}

	/**
	 * Takes back what is left of every grant older than its age, or of every grant when
	 * {@code all} (a graceful shutdown), for the store. A grant with nothing left is forgotten.
	 */
	List<Unspent> expire(boolean all) {
		long now = this.time.currentTimeNanos();
		List<Unspent> unspent = new ArrayList<>();
		for (Map.Entry<String, Grant> entry : this.grants.entrySet()) {
			Grant grant = entry.getValue();
			synchronized (grant) {
				if (!all && now - grant.toppedUp < this.maxAgeNanos) {
					continue;
				}
				if (grant.tokens > 0) {
					unspent.add(new Unspent(grant.limits, grant.tokenBucket, grant.tokens));
				}
				// A charge beyond the grant (tokens < 0) was counted in the store when it was made.
				grant.tokens = 0;
				this.grants.remove(entry.getKey(), grant);
			}
		}
		return unspent;
	}

	/** Tokens that go back to a bucket of {@code limits}: its token bucket or its request bucket. */
	record Unspent(ScopedLimits limits, boolean tokenBucket, long tokens) {
	}

	private static final class Grant {

		private final ScopedLimits limits;

		private final boolean tokenBucket;

		private long tokens;

		private long[] storeAvailable = new long[0];

		private long toppedUp;

		Grant(ScopedLimits limits, boolean tokenBucket) {
			this.limits = limits;
			this.tokenBucket = tokenBucket;
		}

		long[] available() {
			long[] available = new long[this.storeAvailable.length];
			for (int i = 0; i < available.length; i++) {
				available[i] = this.storeAvailable[i] + Math.max(0, this.tokens);
			}
			return available;
		}

	}

}
