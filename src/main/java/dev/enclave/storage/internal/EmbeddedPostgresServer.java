package dev.enclave.storage.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL binaries (from Maven Central) run as a child process on the loopback
 * interface, with their data in a directory that survives restarts. This is Enclave's
 * embedded default; operators point {@code enclave.db.url} at their own server instead.
 *
 * <p>Stopping and starting again keeps the same port, so connection pools recover on their
 * own once the server is back.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	/** The database Enclave creates and uses inside the embedded server. */
	public static final String DATABASE = "enclave";

	/** Superuser created by initdb; the server only listens on loopback and trusts it. */
	public static final String USER = "postgres";

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private final Path dataDirectory;

	private int port;

	private @Nullable EmbeddedPostgres postgres;

	public EmbeddedPostgresServer(Path dataDirectory, int port) {
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	/** Starts the server (running initdb on first use) and creates the Enclave database. */
	public synchronized void start() {
		if (this.postgres != null) {
			return;
		}
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setServerConfig("listen_addresses", "127.0.0.1")
				.setLocaleConfig("encoding", "UTF8")
				.setLocaleConfig("locale", "C")
				.setPGStartupWait(Duration.ofSeconds(60))
				// Whoever started it stops it: the application when its context closes, after
				// every bean that writes on shutdown (usage rows, last_used_at, rate-limit
				// charges) has written. The library's own JVM hook would stop it at the same
				// time as the context closes, and those writes would find no database.
				.setRegisterShutdownHook(false);
			if (this.port > 0) {
				builder.setPort(this.port);
			}
			this.postgres = builder.start();
			this.port = this.postgres.getPort();
			createDatabaseIfMissing(this.postgres);
			log.atInfo()
				.addKeyValue("port", this.port)
				.log("Embedded PostgreSQL is running with its data in {}", this.dataDirectory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded PostgreSQL failed to start in " + this.dataDirectory, ex);
		}
	}

	/** Stops the server; its data stays on disk. */
	public synchronized void stop() {
		EmbeddedPostgres running = this.postgres;
		this.postgres = null;
		if (running != null) {
			try {
				running.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Embedded PostgreSQL failed to stop", ex);
			}
		}
	}

	public synchronized boolean isRunning() {
		return this.postgres != null;
	}

	/** The loopback port; stable across {@link #stop()} and {@link #start()}. */
	public synchronized int port() {
		return this.port;
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
	}

	@Override
	public void close() {
		stop();
	}

	private static void createDatabaseIfMissing(EmbeddedPostgres postgres) {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement
				.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
				if (rs.next()) {
					return;
				}
			}
			statement.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create the embedded database '" + DATABASE + "'", ex);
		}
	}

}
