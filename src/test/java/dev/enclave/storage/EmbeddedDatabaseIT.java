package dev.enclave.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.enclave.EnclaveApplication;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded default as a user meets it: no database configured, so Enclave starts real
 * PostgreSQL under its data directory, migrates the empty database, and on the next start
 * finds its data again.
 */
class EmbeddedDatabaseIT {

	private final Path dataDir = Path.of("target", "embedded-it-" + ProcessHandle.current().pid()).toAbsolutePath();

	@AfterEach
	void cleanUp() {
		TestDatabase.deleteRecursively(this.dataDir);
	}

	@Test
	void migratesAnEmptyDatabaseAndStartsAgainOnTheSameData() throws Exception {
		int pgPort = freePort();
		List<String> firstHistory;
		try (ConfigurableApplicationContext first = start(pgPort)) {
			assertReady(first);
			firstHistory = migrationHistory(pgPort);
			assertThat(firstHistory).as("every migration in db/migration ran once, successfully")
				.containsExactlyElementsOf(expectedMigrations());
			try (Connection connection = connect(pgPort); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE restart_marker (note text)");
				statement.execute("INSERT INTO restart_marker VALUES ('kept across restarts')");
			}
		}
		assertThat(this.dataDir.resolve("postgres/PG_VERSION")).exists();
		assertThatThrownBy(() -> connect(pgPort).close()).as("the embedded server stops with the application")
			.isInstanceOf(SQLException.class);

		try (ConfigurableApplicationContext second = start(pgPort)) {
			assertReady(second);
			assertThat(migrationHistory(pgPort)).as("nothing re-ran").isEqualTo(firstHistory);
			try (Connection connection = connect(pgPort);
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT note FROM restart_marker")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getString(1)).isEqualTo("kept across restarts");
			}
		}
	}

	private ConfigurableApplicationContext start(int pgPort) {
		return new SpringApplicationBuilder(EnclaveApplication.class)
			.run("--server.port=0", "--enclave.data-dir=" + this.dataDir, "--enclave.db.embedded-port=" + pgPort);
	}

	private static void assertReady(ConfigurableApplicationContext context) {
		String port = context.getEnvironment().getProperty("local.server.port");
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.get()
			.uri("/health")
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static List<String> migrationHistory(int pgPort) throws SQLException {
		List<String> history = new ArrayList<>();
		try (Connection connection = connect(pgPort);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT version, script, success, installed_on FROM flyway_schema_history ORDER BY installed_rank")) {
			while (rs.next()) {
				assertThat(rs.getBoolean("success")).isTrue();
				history.add(rs.getString("script"));
			}
		}
		return history;
	}

	private static List<String> expectedMigrations() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.matches("V[0-9]+__.*\\.sql"))
				.sorted((a, b) -> Integer.compare(version(a), version(b)))
				.toList();
		}
	}

	private static int version(String script) {
		return Integer.parseInt(script.substring(1, script.indexOf("__")));
	}

	private static Connection connect(int pgPort) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/enclave", "postgres", "");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
