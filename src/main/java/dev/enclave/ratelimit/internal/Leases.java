package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/** Concurrency limits: one lease per request in flight, in every scope it is limited by. */
interface Leases {

	/**
	 * Takes a lease in every scope of {@code limits}, or in none when any scope is at its
	 * concurrency limit.
	 * @return whether the lease was taken
	 */
	boolean acquire(UUID lease, List<ScopedLimits> limits);

	/**
	 * Takes a lease in every scope without blocking, where that can be decided here (a slot
	 * this replica already holds); otherwise takes nothing.
	 * @return whether the lease was taken; false: ask {@link #acquire}
	 */
	boolean acquireLocally(UUID lease, List<ScopedLimits> limits);

	/**
	 * Gives a lease back, at once and without blocking. A lease not taken yet is remembered
	 * for a while, so that a take still under way when its caller gave up (a timeout) gives
	 * it back at once.
	 * @return what is left to do in the store (blocking work, for the store's scheduler), or
	 * null when nothing is
	 */
	@Nullable Runnable release(UUID lease);

	/** Where leases given back before they were taken are remembered; long enough for any late take. */
	static Set<UUID> abandonedLeases() {
		return Collections.newSetFromMap(Caffeine.newBuilder()
			.expireAfterWrite(Duration.ofMinutes(10))
			.maximumSize(100_000)
			.<UUID, Boolean>build()
			.asMap());
	}

}
