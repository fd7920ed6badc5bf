package dev.enclave.ratelimit.internal;

import java.util.List;
import java.util.UUID;

/** Concurrency limits: one lease per request in flight, in every scope it is limited by. */
interface Leases {

	/**
	 * Takes a lease in every scope of {@code limits}, or in none when any scope is at its
	 * concurrency limit.
	 * @return whether the lease was taken
	 */
	boolean acquire(UUID lease, List<ScopedLimits> limits);

	/** Gives a lease back; a lease that is not held is ignored. */
	void release(UUID lease);

}
