package dev.enclave.ratelimit.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** Concurrency leases of a single node, counted in this JVM. */
final class MemoryLeases implements Leases {

	private final Map<String, Integer> inFlight = new HashMap<>();

	private final Map<UUID, List<String>> held = new HashMap<>();

	/** Leases given back before they were taken (the caller stopped waiting); never taken then. */
	private final Set<UUID> abandoned = Leases.abandonedLeases();

	@Override
	public synchronized boolean acquire(UUID lease, List<ScopedLimits> limits) {
		if (this.abandoned.remove(lease)) {
			return false;
		}
		for (ScopedLimits scoped : limits) {
			if (this.inFlight.getOrDefault(scoped.scope().storeKey(), 0) >= scoped.tier().concurrentRequests()) {
				return false;
			}
		}
		List<String> scopes = limits.stream().map((scoped) -> scoped.scope().storeKey()).toList();
		scopes.forEach((scope) -> this.inFlight.merge(scope, 1, Integer::sum));
		this.held.put(lease, scopes);
		return true;
	}

	/** Counted in memory: as local as it gets. */
	@Override
	public boolean acquireLocally(UUID lease, List<ScopedLimits> limits) {
		return acquire(lease, limits);
	}

	@Override
	public synchronized @Nullable Runnable release(UUID lease) {
		List<String> scopes = this.held.remove(lease);
		if (scopes == null) {
			this.abandoned.add(lease);
		}
		else {
			scopes.forEach((scope) -> this.inFlight.computeIfPresent(scope, (key, count) -> (count > 1) ? count - 1 : null));
		}
		return null;
	}

}
