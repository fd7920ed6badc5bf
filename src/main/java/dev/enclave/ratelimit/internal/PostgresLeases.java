package dev.enclave.ratelimit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

/**
 * Concurrency leases in PostgreSQL, exact across replicas: in one transaction, each scope's
 * advisory lock is taken (in a fixed order, so two requests never deadlock), the scope's
 * live leases are counted, and the new lease rows are inserted only when every scope has
 * room. A lease lives until it is released or its replica stops renewing it, so a replica
 * that dies frees its slots after {@code leaseTtl}. All calls block: callers run them on
 * the limit store's scheduler.
 */
final class PostgresLeases implements Leases {

	/** The first key of our advisory locks, so they never meet another feature's locks. */
	private static final int LOCK_SPACE = 0x524c_494d;

	private final DataSource dataSource;

	private final UUID replica = UUID.randomUUID();

	private final Duration ttl;

	private final Set<UUID> live = ConcurrentHashMap.newKeySet();

	/**
	 * Leases given back before they were taken: the caller stopped waiting (a timeout) while
	 * the store was still taking them. The late take then gives them back at once.
	 */
	private final Set<UUID> abandoned = Leases.abandonedLeases();

	PostgresLeases(DataSource dataSource, Duration ttl) {
		this.dataSource = dataSource;
		this.ttl = ttl;
	}

	@Override
	public boolean acquire(UUID lease, List<ScopedLimits> limits) {
		List<ScopedLimits> ordered = limits.stream()
			.sorted(Comparator.comparing((ScopedLimits scoped) -> scoped.scope().storeKey()))
			.toList();
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				for (ScopedLimits scoped : ordered) {
					String scope = scoped.scope().storeKey();
					try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
						lock.setInt(1, LOCK_SPACE);
						lock.setString(2, scope);
						lock.execute();
					}
					if (inFlight(connection, scope) >= scoped.tier().concurrentRequests()) {
						connection.rollback();
						return false;
					}
				}
				try (PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO ratelimit_leases (lease_id, scope, replica_id, expires_at) "
								+ "VALUES (?, ?, ?, now() + make_interval(secs => ?))")) {
					for (ScopedLimits scoped : ordered) {
						insert.setObject(1, lease);
						insert.setString(2, scoped.scope().storeKey());
						insert.setObject(3, this.replica);
						insert.setDouble(4, this.ttl.toMillis() / 1000.0);
						insert.addBatch();
					}
					insert.executeBatch();
				}
				connection.commit();
				this.live.add(lease);
				if (this.abandoned.remove(lease)) {
					release(lease);
					return false;
				}
				return true;
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

	@Override
	public void release(UUID lease) {
		if (!this.live.remove(lease)) {
			this.abandoned.add(lease);
		}
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement delete = connection.prepareStatement("DELETE FROM ratelimit_leases WHERE lease_id = ?")) {
			delete.setObject(1, lease);
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			throw new LimitStoreException("Could not release a concurrency lease", ex);
		}
	}

	/**
	 * Keeps this replica's leases alive while their requests run (long streams outlive the
	 * TTL), and deletes leases that have expired, which only dead replicas leave behind.
	 */
	void renew() {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!this.live.isEmpty()) {
				try (PreparedStatement update = connection.prepareStatement("UPDATE ratelimit_leases "
						+ "SET expires_at = now() + make_interval(secs => ?) WHERE replica_id = ? AND lease_id = ANY (?)")) {
					update.setDouble(1, this.ttl.toMillis() / 1000.0);
					update.setObject(2, this.replica);
					update.setArray(3, connection.createArrayOf("uuid", this.live.toArray()));
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
