package dev.enclave.privacy.internal.logfile;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.enclave.EnclaveCommand;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import dev.enclave.support.ReplicaApps;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The encrypted log files in the running server: an instance started with them enabled serves
 * a request, its access-log line lands in a file that holds only ciphertext, and
 * {@code logs read} with the installation's keyset gives the line back.
 */
class EncryptedLogFileIT {

	@TempDir
	Path dir;

	@Test
	void theAccessLogLandsOnlyEncryptedAndLogsReadGivesItBack() throws Exception {
		Path logs = this.dir.resolve("logs");
		try (ConfigurableApplicationContext app = ReplicaApps.start("--enclave.logging.encrypted-file.enabled=true",
				"--enclave.logging.encrypted-file.directory=" + logs)) {
			ReplicaApps.client(app).get().uri("/health").exchange().expectStatus().isOk();
			EncryptedFileAppender appender = app.getBean(EncryptedLogAttachment.class).appender();
			LogFileReader reader = new LogFileReader(app.getBean(KeyEncryptionKey.class));
			// The access log is written when the exchange's observation ends, just after the response.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				appender.flush().get(10, TimeUnit.SECONDS);
				StringBuilder text = new StringBuilder();
				for (Path file : files(logs)) {
					reader.read(file, text::append);
				}
				assertThat(text).contains("\"logger_name\":\"enclave.access\"");
			});
		}

		List<Path> files = files(logs);
		assertThat(files).isNotEmpty();
		for (Path file : files) {
			String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
			assertThat(raw).doesNotContain("enclave.access", "\"logger_name\"", "\"@timestamp\"", "EnclaveApplication");
		}

		List<String> command = new ArrayList<>(List.of("logs", "read"));
		files.forEach((file) -> command.add(file.toString()));
		command.add("--enclave.data-dir=" + TestDatabase.dataDir());
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		// In this JVM the command must not reconfigure the other tests' logging.
		String previous = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		int code;
		try {
			code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), command.toArray(String[]::new));
		}
		finally {
			if (previous != null) {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, previous);
			}
			else {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
		}
		assertThat(code).as(err.toString()).isZero();
		assertThat(err.toString()).as("every file closed at shutdown").isEmpty();
		assertThat(LogFileFixture.lines(out.toString()))
			.anySatisfy((line) -> assertThat(LogFileFixture.JSON.readTree(line).path("logger_name").asString())
				.isEqualTo("enclave.access"))
			.allSatisfy((line) -> assertThat(LogFileFixture.JSON.readTree(line).has("@timestamp")).isTrue());
	}

	private static List<Path> files(Path directory) throws Exception {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> listing = Files.list(directory)) {
			return listing.sorted().toList();
		}
	}

}
