package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;

/**
 * What this replica took from the shared buckets ahead of need: tokens already counted in the
 * store and not spent yet. A request spends them without a store call, so its limit check
 * never leaves its thread; only when a grant is short or older than its age does a request go
 * to the store, which counts the request and tops the grant up in the same transaction. A
 * grant this replica is spending from is also topped up ahead of need, once it is half its age
 * ({@link #due}), so that busy scopes rarely send a request to the store at all.
 * <p>
 * <b>Exact.</b> Every token is counted in the store before any request spends it here, so the
 * replicas together never admit more than a limit allows, in any window. Each top-up's tokens
 * are spent at most {@code maxAge} after the store counted them (oldest first); what is left of
 * them then goes back at the next pass of {@link #expire}. The cost falls on the strict side
 * only: tokens granted here and not spent are unavailable to other replicas until they go back
 * (a crash keeps them until the bucket refills). A grant is at most {@code share} of the limit;
 * a limit too small for a one-token grant is checked in the store on every request.
 */
final class Grants {

	private final Map<String, Grant> grants = new ConcurrentHashMap<>();

	private final double share;

	private final long maxAgeNanos;

	private final TimeMeter time;

	/**
	 * @param share the share of a limit (0 to 0.1) a replica takes ahead of need
	 * @param maxAge the longest tokens of a top-up are spent from before what is left of them goes back
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
			long wanted = Math.max(0, size - grant.tokens());
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
	 * Spends {@code tokens} of the fresh grant of a bucket, from its oldest top-up first.
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
			if (now - grant.toppedUp >= this.maxAgeNanos || grant.spendable(now, this.maxAgeNanos) < tokens) {
				return null;
			}
			long left = tokens;
			for (Cohort cohort : grant.cohorts) {
				if (left == 0) {
					break;
				}
				if (now - cohort.counted < this.maxAgeNanos) {
					long taken = Math.min(left, cohort.tokens);
					cohort.tokens -= taken;
					left -= taken;
				}
			}
			grant.readSinceTopUp = true;
			if (tokens > 0) {
				grant.spentSinceTopUp = true;
			}
			return grant.available(now, this.maxAgeNanos);
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
			Cohort newest = grant.cohorts.peekLast();
			if (newest != null) {
				newest.tokens += tokens;
			}
			else {
				grant.cohorts.addLast(new Cohort(tokens, grant.toppedUp));
			}
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
					long now = this.time.currentTimeNanos();
					Cohort newest = grant.cohorts.peekLast();
					if (extra > 0 && newest != null && now - newest.counted < this.maxAgeNanos / 4) {
						// Joined to a recent top-up, under its older time: they go back a little
						// sooner, never later, and a grant keeps a handful of top-ups at most.
						newest.tokens += extra;
					}
					else if (extra > 0) {
						grant.cohorts.addLast(new Cohort(extra, now));
					}
					grant.storeAvailable = storeAvailable.clone();
					grant.toppedUp = now;
					grant.spentSinceTopUp = false;
					grant.readSinceTopUp = false;
					return grant.available(now, this.maxAgeNanos);
				}
			}
			// expire() took this grant back meanwhile: the tokens go to a new one.
		}
	}

	/**
	 * The grants worth refreshing ahead of need: used since their last top-up (spent from, or
	 * read for what is left) and at least half their age, so that the next requests find them
	 * fresh instead of going to the store. A grant nobody uses is left to go back.
	 */
	List<Due> due() {
		long now = this.time.currentTimeNanos();
		List<Due> due = new ArrayList<>();
		for (Map.Entry<String, Grant> entry : this.grants.entrySet()) {
			Grant grant = entry.getValue();
			synchronized (grant) {
				long age = now - grant.toppedUp;
				if (grant.readSinceTopUp && age >= this.maxAgeNanos / 2 && age < this.maxAgeNanos) {
					due.add(new Due(entry.getKey(), grant.limits, grant.tokenBucket, grant.spentSinceTopUp));
				}
			}
		}
		return due;
	}

	/**
	 * Takes back what is left of every top-up older than its age, or of every grant when
	 * {@code all} (a graceful shutdown), for the store. A grant that has not been topped up
	 * within its age is forgotten.
	 */
	List<Unspent> expire(boolean all) {
		long now = this.time.currentTimeNanos();
		List<Unspent> unspent = new ArrayList<>();
		for (Map.Entry<String, Grant> entry : this.grants.entrySet()) {
			Grant grant = entry.getValue();
			synchronized (grant) {
				long back = 0;
				for (Iterator<Cohort> cohorts = grant.cohorts.iterator(); cohorts.hasNext();) {
					Cohort cohort = cohorts.next();
					if (all || now - cohort.counted >= this.maxAgeNanos) {
						back += cohort.tokens;
						cohorts.remove();
					}
				}
				if (back > 0) {
					unspent.add(new Unspent(grant.limits, grant.tokenBucket, back));
				}
				if (all || now - grant.toppedUp >= this.maxAgeNanos) {
					grant.cohorts.clear();
					this.grants.remove(entry.getKey(), grant);
				}
			}
		}
		return unspent;
	}

	/** Tokens that go back to a bucket of {@code limits}: its token bucket or its request bucket. */
	record Unspent(ScopedLimits limits, boolean tokenBucket, long tokens) {
	}

	/**
	 * A grant to refresh ahead of need: the bucket's name, its scope, which of its buckets, and
	 * whether it was spent from (only then is it topped up; a grant only read is re-read).
	 */
	record Due(String name, ScopedLimits limits, boolean tokenBucket, boolean spent) {
	}

	/** What is left of one top-up, and when the store counted it. */
	private static final class Cohort {

		private long tokens;

		private final long counted;

		Cohort(long tokens, long counted) {
			this.tokens = tokens;
			this.counted = counted;
		}

	}

	private static final class Grant {

		private final ScopedLimits limits;

		private final boolean tokenBucket;

		/** What is left of each top-up, oldest first. */
		private final ArrayDeque<Cohort> cohorts = new ArrayDeque<>(4);

		private long[] storeAvailable = new long[0];

		/** When the store last answered for this bucket: the grant is fresh for its age from then. */
		private long toppedUp;

		private boolean spentSinceTopUp;

		private boolean readSinceTopUp;

		Grant(ScopedLimits limits, boolean tokenBucket) {
			this.limits = limits;
			this.tokenBucket = tokenBucket;
		}

		/** Everything held, spendable or waiting to go back. */
		long tokens() {
			long tokens = 0;
			for (Cohort cohort : this.cohorts) {
				tokens += cohort.tokens;
			}
			return tokens;
		}

		/** What may still be spent: top-ups younger than their age. */
		long spendable(long now, long maxAgeNanos) {
			long tokens = 0;
			for (Cohort cohort : this.cohorts) {
				if (now - cohort.counted < maxAgeNanos) {
					tokens += cohort.tokens;
				}
			}
			return tokens;
		}

		long[] available(long now, long maxAgeNanos) {
			long spendable = spendable(now, maxAgeNanos);
			long[] available = new long[this.storeAvailable.length];
			for (int i = 0; i < available.length; i++) {
				available[i] = this.storeAvailable[i] + spendable;
			}
			return available;
		}

	}

}
