package dev.enclave.ratelimit.internal;

import java.time.Duration;

/**
 * What a client sees of one limit in the {@code x-ratelimit-*} headers.
 *
 * @param limit the limit
 * @param remaining what is left now (never below 0 in the headers, though a bucket may owe)
 * @param reset how long until the limit is whole again
 */
record LimitStatus(long limit, long remaining, Duration reset) {

	/** The one of two a client runs into first: the lower remaining, then the lower limit. */
	static LimitStatus tighter(LimitStatus a, LimitStatus b) {
		if (a.remaining != b.remaining) {
			return (a.remaining < b.remaining) ? a : b;
		}
		return (a.limit <= b.limit) ? a : b;
	}

	/** The state of a bucket of {@code capacity} refilled whole every {@code period}. */
	static LimitStatus of(long capacity, long available, Duration period) {
		long missing = Math.max(0, capacity - available);
		// Exact in nanoseconds for any sane capacity; rounded up so "reset" is never early.
		double nanos = Math.ceil((double) missing * period.toNanos() / capacity);
		return new LimitStatus(capacity, available, Duration.ofNanos((long) nanos));
	}

}
