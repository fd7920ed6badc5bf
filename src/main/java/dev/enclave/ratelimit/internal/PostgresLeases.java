package dev.enclave.ratelimit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Concurrency slots in PostgreSQL, exact across replicas: every slot is a row of
 * {@code ratelimit_leases}, and a replica adds rows to a scope only in a transaction that
 * holds the scope's advisory lock (taken in a fixed order, so two replicas never deadlock)
 * and has counted fewer live rows than the limit. So no more requests are ever in flight
 * than the limit, whichever replicas they run on.
 * <p>
 * A replica does not insert and delete a row for every request: a request takes a free slot
 * this replica already holds, and gives it back to the replica when it ends. Only when it
 * holds none free does it go to the store, and then it takes one slot for the request and
 * up to {@code spare} more for the next ones, in one transaction. Every
 * {@link #returnSpare()} pass deletes the free slots beyond {@code spare}, and all free
 * slots of a scope that was not used since the previous pass. The price of this is on the
 * strict side: another replica may be refused while up to {@code spare} slots of the scope
 * sit free here, for at most two passes. A limit whose spare share rounds down to 0 takes
 * and deletes a row per request, as exact as before.
 * <p>
 * Rows live until they are deleted or their replica stops renewing them, so a replica that
 * dies frees its slots after {@code ttl}. Calls that reach the store block: callers run them
 * on the limit store's scheduler.
 */
final class PostgresLeases implements Leases, AutoCloseable {

	/** The first key of our advisory locks, so they never meet another feature's locks. */
	private static final int LOCK_SPACE = 0x524c_494d;

	/** The most free slots a replica keeps per scope, whatever the share: a bound on idle rows. */
	static final int MAX_SPARE = 64;

	private final DataSource dataSource;

	private final UUID replica = UUID.randomUUID();

	private final Duration ttl;

	private final double spareShare;

	/** This replica's slots, by scope. Guarded by {@code this}, as are {@link #taken}. */
	private final Map<String, Pool> pools = new HashMap<>();

	/** The slots of each request in flight, by scope. */
	private final Map<UUID, Map<String, UUID>> taken = new HashMap<>();

	/**
	 * Leases given back before they were taken: the caller stopped waiting (a timeout) while
	 * the store was still taking them. The late take then gives them back at once.
	 */
	private final Set<UUID> abandoned = Leases.abandonedLeases();

	/** One scope's slots on this replica. */
	private static final class Pool {

		/** Slots held and not in use by any request, the most recently freed first. */
		final ArrayDeque<UUID> free = new ArrayDeque<>();

		/** Slots in use by requests. */
		int inUse;

		/** How many free slots to keep: from the limit of the scope's latest request. */
		int spare;

		/** Whether a request took a slot since the last {@link #returnSpare()} pass. */
		boolean used;

	}

	/**
	 * @param spareShare the share of each concurrency limit this replica may keep as free
	 * slots (rounded down, at most {@link #MAX_SPARE}); 0 takes and deletes a row per request
	 */
	PostgresLeases(DataSource dataSource, Duration ttl, double spareShare) {
		this.dataSource = dataSource;
		this.ttl = ttl;
		this.spareShare = spareShare;
	}

	/** The free slots a replica may keep for a scope with this limit. */
	int spareOf(long limit) {
		return (int) Math.min(MAX_SPARE, (long) Math.floor(limit * this.spareShare));
	}

	@Override
	public boolean acquire(UUID lease, List<ScopedLimits> limits) {
		List<ScopedLimits> ordered = limits.stream()
			.sorted(Comparator.comparing((ScopedLimits scoped) -> scoped.scope().storeKey()))
			.toList();
		Map<String, UUID> mine = new LinkedHashMap<>();
		List<ScopedLimits> lacking = new ArrayList<>();
		synchronized (this) {
			for (ScopedLimits scoped : ordered) {
				String scope = scoped.scope().storeKey();
				Pool pool = this.pools.computeIfAbsent(scope, (key) -> new Pool());
				pool.spare = spareOf(scoped.tier().concurrentRequests());
				// A lowered limit applies to the slots already held, too.
				UUID slot = (pool.inUse < scoped.tier().concurrentRequests()) ? pool.free.poll() : null;
				if (slot != null) {
					mine.put(scope, slot);
					pool.inUse++;
				}
				else {
					lacking.add(scoped);
				}
			}
		}
		if (!lacking.isEmpty()) {
			Map<String, List<UUID>> granted;
			try {
				granted = grant(lacking);
			}
			catch (RuntimeException ex) {
				synchronized (this) {
					mine.forEach((scope, slot) -> giveBack(this.pools.get(scope), slot));
				}
				throw ex;
			}
			synchronized (this) {
				if (granted == null) {
					// Refused: what this request had taken here is free again.
					mine.forEach((scope, slot) -> giveBack(this.pools.get(scope), slot));
					return false;
				}
				// What the store granted serves this request first, the rest the next ones.
				for (ScopedLimits scoped : lacking) {
					String scope = scoped.scope().storeKey();
					List<UUID> slots = granted.get(scope);
					Pool pool = this.pools.computeIfAbsent(scope, (key) -> new Pool());
					pool.spare = spareOf(scoped.tier().concurrentRequests());
					mine.put(scope, slots.get(0));
					pool.inUse++;
					pool.free.addAll(slots.subList(1, slots.size()));
				}
			}
		}
		synchronized (this) {
			this.taken.put(lease, mine);
			mine.keySet().forEach((scope) -> this.pools.get(scope).used = true);
		}
		if (this.abandoned.remove(lease)) {
			Runnable rest = release(lease);
			if (rest != null) {
				rest.run();
			}
			return false;
		}
		return true;
	}

	/** Takes a free slot this replica holds in every scope, or none: no store call, no blocking. */
	@Override
	public boolean acquireLocally(UUID lease, List<ScopedLimits> limits) {
		synchronized (this) {
			for (ScopedLimits scoped : limits) {
				Pool pool = this.pools.get(scoped.scope().storeKey());
				// A lowered limit applies to the slots already held, too.
				if (pool == null || pool.free.isEmpty() || pool.inUse >= scoped.tier().concurrentRequests()) {
					return false;
				}
			}
			Map<String, UUID> mine = new LinkedHashMap<>();
			for (ScopedLimits scoped : limits) {
				Pool pool = this.pools.get(scoped.scope().storeKey());
				pool.spare = spareOf(scoped.tier().concurrentRequests());
				mine.put(scoped.scope().storeKey(), pool.free.poll());
				pool.inUse++;
				pool.used = true;
			}
			this.taken.put(lease, mine);
			return true;
		}
	}

	/**
	 * Inserts slots for each scope in one transaction: one for the request and up to the
	 * scope's spare more, as long as the scope has room. Returns null, having inserted
	 * nothing, when a scope has no room at all.
	 */
	private @Nullable Map<String, List<UUID>> grant(List<ScopedLimits> lacking) {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				Map<String, List<UUID>> granted = new LinkedHashMap<>();
				for (ScopedLimits scoped : lacking) {
					String scope = scoped.scope().storeKey();
					try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
						lock.setInt(1, LOCK_SPACE);
						lock.setString(2, scope);
						lock.execute();
					}
					long room = scoped.tier().concurrentRequests() - inFlight(connection, scope);
					if (room < 1) {
						connection.rollback();
						return null;
					}
					int count = (int) Math.min(room, 1 + spareOf(scoped.tier().concurrentRequests()));
					List<UUID> slots = new ArrayList<>(count);
					for (int i = 0; i < count; i++) {
						slots.add(UUID.randomUUID());
					}
					granted.put(scope, slots);
				}
				try (PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO ratelimit_leases (lease_id, scope, replica_id, expires_at) "
								+ "VALUES (?, ?, ?, now() + make_interval(secs => ?))")) {
					for (Map.Entry<String, List<UUID>> scope : granted.entrySet()) {
						for (UUID slot : scope.getValue()) {
							insert.setObject(1, slot);
							insert.setString(2, scope.getKey());
							insert.setObject(3, this.replica);
							insert.setDouble(4, this.ttl.toMillis() / 1000.0);
							insert.addBatch();
						}
					}
					insert.executeBatch();
				}
				connection.commit();
				return granted;
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw new LimitStoreException("Could not take a concurrency lease", ex);
		}
	}

	/**
	 * Frees the request's slots on this replica, at once and without the store. A slot that
	 * must leave the replica at once (its scope keeps no spare) is returned as work for the
	 * store.
	 */
	@Override
	public @Nullable Runnable release(UUID lease) {
		List<UUID> leaving = new ArrayList<>();
		synchronized (this) {
			Map<String, UUID> slots = this.taken.remove(lease);
			if (slots == null) {
				this.abandoned.add(lease);
				return null;
			}
			slots.forEach((scope, slot) -> {
				Pool pool = this.pools.get(scope);
				pool.inUse--;
				if (pool.spare > 0) {
					pool.free.push(slot);
				}
				else {
					leaving.add(slot);
				}
			});
		}
		return leaving.isEmpty() ? null : () -> delete(leaving);
	}

	private static void giveBack(Pool pool, UUID slot) {
		pool.inUse--;
		pool.free.push(slot);
	}

	/**
	 * Deletes the free slots beyond each scope's spare, and every free slot of a scope no
	 * request used since the previous pass, so idle slots go back to the other replicas.
	 */
	void returnSpare() {
		List<UUID> leaving = new ArrayList<>();
		synchronized (this) {
			for (Iterator<Pool> pools = this.pools.values().iterator(); pools.hasNext();) {
				Pool pool = pools.next();
				int keep = pool.used ? pool.spare : 0;
				while (pool.free.size() > keep) {
					leaving.add(pool.free.pollLast());
				}
				pool.used = false;
				if (pool.inUse == 0 && pool.free.isEmpty()) {
					pools.remove();
				}
			}
		}
		if (!leaving.isEmpty()) {
			delete(leaving);
		}
	}

	/** Slots this replica holds, free or in use; for tests. */
	synchronized int held(String scope) {
		Pool pool = this.pools.get(scope);
		return (pool != null) ? pool.inUse + pool.free.size() : 0;
	}

	private void delete(List<UUID> slots) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement delete = connection.prepareStatement("DELETE FROM ratelimit_leases WHERE lease_id = ANY (?)")) {
			delete.setArray(1, connection.createArrayOf("uuid", slots.toArray()));
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			// Left to expire: they are no longer renewed.
			throw new LimitStoreException("Could not give concurrency slots back", ex);
		}
	}

	/**
	 * Keeps this replica's slots alive (long streams outlive the TTL), and deletes slots that
	 * have expired, which only dead replicas leave behind.
	 */
	void renew() {
		Object[] held;
		synchronized (this) {
			List<UUID> all = new ArrayList<>(this.taken.size() * 2);
			this.taken.values().forEach((slots) -> all.addAll(slots.values()));
			this.pools.values().forEach((pool) -> all.addAll(pool.free));
			held = all.toArray();
		}
		try (Connection connection = this.dataSource.getConnection()) {
			if (held.length > 0) {
				try (PreparedStatement update = connection.prepareStatement("UPDATE ratelimit_leases "
						+ "SET expires_at = now() + make_interval(secs => ?) WHERE replica_id = ? AND lease_id = ANY (?)")) {
					update.setDouble(1, this.ttl.toMillis() / 1000.0);
					update.setObject(2, this.replica);
					update.setArray(3, connection.createArrayOf("uuid", held));
					update.executeUpdate();
				}
			}
			try (PreparedStatement delete = connection
				.prepareStatement("DELETE FROM ratelimit_leases WHERE expires_at < now() - interval '1 minute'")) {
				delete.executeUpdate();
			}
		}
		catch (SQLException ex) {
			throw new LimitStoreException("Could not renew concurrency leases", ex);
		}
	}

	/** Gives every free slot back on a graceful shutdown, so other replicas need not wait for the TTL. */
	@Override
	public void close() {
		List<UUID> leaving = new ArrayList<>();
		synchronized (this) {
			this.pools.values().forEach((pool) -> {
				leaving.addAll(pool.free);
				pool.free.clear();
			});
		}
		if (!leaving.isEmpty()) {
			delete(leaving);
		}
	}

	private static long inFlight(Connection connection, String scope) throws SQLException {
		try (PreparedStatement count = connection
			.prepareStatement("SELECT count(*) FROM ratelimit_leases WHERE scope = ? AND expires_at > now()")) {
			count.setString(1, scope);
			try (ResultSet rows = count.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

}
