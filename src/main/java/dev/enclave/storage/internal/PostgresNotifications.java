package dev.enclave.storage.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.enclave.storage.DatabaseNotifications;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One JDBC connection that does nothing but {@code LISTEN}, on a daemon thread of its own
 * ({@code db-notifications}): the pgjdbc driver hands notifications over only when asked,
 * so the thread asks every {@link #POLL} and blocks nowhere else. It connects on the first
 * subscription (commands that never listen never open it), reconnects with backoff when the
 * database goes away, and sends {@link DatabaseNotifications#RESYNC} to every channel on
 * each (re)connect.
 */
final class PostgresNotifications implements DatabaseNotifications, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);

	private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final int POLL = 250;

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	private final EnclaveDatabase database;

	private final Map<String, Sinks.Many<String>> channels = new ConcurrentHashMap<>();

	/** Channels added since the listener last issued its LISTENs. */
	private final Set<String> pending = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	private @Nullable Thread thread;

	PostgresNotifications(EnclaveDatabase database) {
		this.database = database;
	}

	@Override
	public Flux<String> listen(String channel) {
		if (!CHANNEL.matcher(channel).matches()) {
			throw new IllegalArgumentException("Not a channel name: " + channel);
		}
		Sinks.Many<String> sink = this.channels.computeIfAbsent(channel, (name) -> {
			this.pending.add(name);
			return Sinks.many().multicast().directBestEffort();
		});
		start();
		return sink.asFlux();
	}

	private synchronized void start() {
		if (this.thread == null && !this.closed) {
			Thread listener = new Thread(this::run, "db-notifications");
			listener.setDaemon(true);
			listener.start();
			this.thread = listener;
		}
	}

	private void run() {
		long backoff = 100;
		while (!this.closed) {
			try (Connection connection = DriverManager.getConnection(this.database.getJdbcUrl(),
					this.database.getUsername(), this.database.getPassword())) {
				PGConnection postgres = connection.unwrap(PGConnection.class);
				this.pending.addAll(this.channels.keySet());
				backoff = 100;
				boolean first = true;
				while (!this.closed) {
					listenToPending(connection, first);
					first = false;
					PGNotification[] received = postgres.getNotifications(POLL);
					if (received != null) {
						for (PGNotification notification : received) {
							emit(notification.getName(), notification.getParameter());
						}
					}
				}
			}
			catch (SQLException ex) {
				if (this.closed) {
					return;
				}
				log.warn("Database notifications interrupted ({}); reconnecting in {} ms", ex.getClass().getSimpleName(),
						backoff);
				try {
					Thread.sleep(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
			}
		}
	}

	/** LISTENs to every channel not yet listened to on this connection; each one starts with a resync. */
	private void listenToPending(Connection connection, boolean all) throws SQLException {
		if (this.pending.isEmpty()) {
			return;
		}
		try (Statement statement = connection.createStatement()) {
			for (String channel : Set.copyOf(this.pending)) {
				// Channel names are checked against CHANNEL: safe to put in the statement.
				statement.execute("LISTEN " + channel);
				this.pending.remove(channel);
				emit(channel, RESYNC);
			}
		}
	}

	private void emit(String channel, String payload) {
		Sinks.Many<String> sink = this.channels.get(channel);
		if (sink != null) {
			sink.tryEmitNext(payload);
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		Thread listener = this.thread;
		if (listener != null) {
			listener.interrupt();
		}
		this.channels.values().forEach(Sinks.Many::tryEmitComplete);
	}

}
