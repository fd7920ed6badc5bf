package dev.enclave.storage;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.enclave.EnclaveCommand;
import dev.enclave.shared.CommandFailure;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.storage.internal.MigrateCommandContext;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar enclave.jar migrate} as the Helm chart's hook runs it: against a real
 * PostgreSQL (a fresh database of the shared test server each time), through the jar's
 * command line, with the server's configuration arguments.
 */
class MigrateCommandIT {

	private static final Pattern APPLIED = Pattern.compile("Applied (\\d+) migrations?");

	@TempDir
	Path dataDir;

	@Test
	void anEmptyDatabaseGetsEveryMigrationAndASecondRunNone() throws Exception {
		String url = freshDatabase();
		List<String> versions = shippedVersions();

		Result first = migrate(0, url);
		assertThat(first.out()).contains("Applied " + versions.size() + " migrations to ")
			.contains("from version (empty) to " + versions.get(versions.size() - 1));
		for (String version : versions) {
			assertThat(first.out()).contains("  V" + version + " ");
		}
		assertThat(appliedVersions(url)).containsExactlyElementsOf(versions);

		Result second = migrate(0, url);
		assertThat(second.out()).contains("is up to date at version " + versions.get(versions.size() - 1))
			.contains("no migration to apply")
			.doesNotContain("Applied");
		assertThat(appliedVersions(url)).containsExactlyElementsOf(versions);
	}

	@Test
	void concurrentRunsTakeTurnsUnderFlywaysLock() throws Exception {
		String url = freshDatabase();
		List<String> versions = shippedVersions();

		// Two Spring applications starting at once in one JVM would race to reconfigure its one
		// logging system (in production each run is its own process): they leave logging alone here.
		String loggingSystem = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		try {
			CompletableFuture<Result> one = CompletableFuture.supplyAsync(() -> migrate(0, url));
			CompletableFuture<Result> two = CompletableFuture.supplyAsync(() -> migrate(0, url));
			assertThat(applied(one.get().out()) + applied(two.get().out()))
				.as("each migration applied once, by one of them")
				.isEqualTo(versions.size());
		}
		finally {
			if (loggingSystem != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, loggingSystem);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
		assertThat(appliedVersions(url)).containsExactlyElementsOf(versions);
	}

	@Test
	void anUnreachableDatabaseIsExitCodeThree() {
		Result result = migrate(CommandFailure.UNAVAILABLE, "jdbc:postgresql://127.0.0.1:1/enclave");
		assertThat(result.err()).startsWith("enclave migrate: Cannot reach the database");
		assertThat(result.out()).isEmpty();
	}

	@Test
	void migrateStartsTheDatabaseConnectionAndFlywayOnly() throws Exception {
		try (ConfigurableApplicationContext context = MigrateCommandContext.start(configuration(freshDatabase()))) {
			assertThat(context).as("no web server").isNotInstanceOf(WebServerApplicationContext.class);
			assertThat(context.getBeanNamesForType(io.r2dbc.spi.ConnectionFactory.class)).as("no R2DBC pool").isEmpty();
			assertThat(context.containsBean("adminBootstrap")).as("no administrator bootstrap").isFalse();
			assertThat(context.getBeanNamesForType(FlywayMigrationInitializer.class)).hasSize(1);
			assertThat(context.getBeanDefinitionNames()).noneMatch((name) -> name.toLowerCase(Locale.ROOT).contains("keyset"));
		}
	}

	/** A new, empty database on the shared test server; its JDBC URL. */
	private static String freshDatabase() {
		String name = "migrate_" + UUID.randomUUID().toString().replace("-", "");
		TestDatabase.update("CREATE DATABASE " + name);
		String url = TestDatabase.server().jdbcUrl();
		return url.substring(0, url.lastIndexOf('/') + 1) + name;
	}

	/** The versions of the migrations in db/migration, in the order Flyway applies them. */
	private static List<String> shippedVersions() throws IOException {
		Pattern file = Pattern.compile("V(\\d+)__.+\\.sql");
		try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
			return files.map((path) -> file.matcher(path.getFileName().toString()))
				.filter(Matcher::matches)
				.map((matcher) -> Integer.parseInt(matcher.group(1)))
				.sorted()
				.map(String::valueOf)
				.toList();
		}
	}

	private static List<String> appliedVersions(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, null);
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
			List<String> versions = new ArrayList<>();
			while (rows.next()) {
				versions.add(rows.getString(1));
			}
			return versions;
		}
	}

	private static int applied(String out) {
		Matcher matcher = APPLIED.matcher(out);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	private List<String> configuration(String url) {
		return List.of("--enclave.db.url=" + url, "--enclave.db.user=" + EmbeddedPostgresServer.USER,
				"--enclave.data-dir=" + this.dataDir);
	}

	private Result migrate(int exitCode, String url) {
		List<String> args = new ArrayList<>(List.of("migrate"));
		args.addAll(configuration(url));
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
		assertThat(code).as("exit code of %s; stderr: %s", args, err).isEqualTo(exitCode);
		return new Result(out.toString(), err.toString());
	}

	record Result(String out, String err) {
	}

}
