package dev.enclave.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
