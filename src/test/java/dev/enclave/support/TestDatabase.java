package dev.enclave.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.enclave.storage.internal.EmbeddedPostgresServer;

/**
 * One real PostgreSQL server per test JVM, shared by every integration test and stopped when
 * the JVM exits. It is the same embedded server the product runs, here under
 * {@code target/}, and the application reaches it as an external database.
 */
public final class TestDatabase {

	private static final Path ROOT = Path.of("target", "it-" + ProcessHandle.current().pid()).toAbsolutePath();

	private static final EmbeddedPostgresServer SERVER = start();

	private TestDatabase() {
	}

	/** The shared server; tests may stop and start it, and must leave it running. */
	public static EmbeddedPostgresServer server() {
		return SERVER;
	}

	/** A data directory for the application under test (generated keys, models). */
	public static Path dataDir() {
		return ROOT.resolve("data");
	}

	private static EmbeddedPostgresServer start() {
		deleteRecursively(ROOT);
		EmbeddedPostgresServer server = new EmbeddedPostgresServer(ROOT.resolve("postgres"), 0);
		server.start();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.stop();
			deleteRecursively(ROOT);
		}, "test-database-shutdown"));
		return server;
	}

	/** The first column of every row a query returns, as text: for asserting on stored rows. */
	public static List<String> query(String sql) {
		try (Connection connection = DriverManager.getConnection(SERVER.jdbcUrl(), EmbeddedPostgresServer.USER, null);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Runs a statement, for arranging rows a test cannot reach through the API (time passing). */
	public static int update(String sql) {
		try (Connection connection = DriverManager.getConnection(SERVER.jdbcUrl(), EmbeddedPostgresServer.USER, null);
				Statement statement = connection.createStatement()) {
			return statement.executeUpdate(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
