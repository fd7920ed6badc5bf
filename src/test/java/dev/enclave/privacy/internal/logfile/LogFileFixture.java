package dev.enclave.privacy.internal.logfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * A real Logback context whose logger {@code enclave.test} writes through the encrypted file
 * appender, with the structured encoder the server uses (so the redactor applies), and the
 * helpers to read the files back the way {@code logs read} does.
 */
final class LogFileFixture implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	final LoggerContext logback = new LoggerContext();

	final Logger logger;

	final EncryptedFileAppender appender;

	final Path directory;

	LogFileFixture(Path directory, KeyEncryptionKey kek, EncryptedLogSettings settings, Clock clock) {
		this.directory = directory;
		this.logback.setMDCAdapter(new LogbackMDCAdapter());
		// Spring Boot's logging system puts the environment there; the encoder reads its settings from it.
		this.logback.putObject(Environment.class.getName(), new StandardEnvironment());
		StructuredLogEncoder encoder = new StructuredLogEncoder();
		encoder.setContext(this.logback);
		encoder.setFormat("logstash");
		this.appender = new EncryptedFileAppender(encoder, kek, directory, settings, clock);
		this.appender.setContext(this.logback);
		this.appender.setName("test");
		this.appender.start();
		this.logger = this.logback.getLogger("enclave.test");
		this.logger.setLevel(Level.INFO);
		this.logger.addAppender(this.appender);
	}

	static EncryptedLogSettings settings(DataSize maxFileSize, Duration maxAge, int retention, DataSize queue) {
		return new EncryptedLogSettings(true, null, maxFileSize, maxAge, retention, queue);
	}

	/** Waits until every line logged so far is in a file. */
	void flush() throws Exception {
		this.appender.flush().get(30, TimeUnit.SECONDS);
	}

	/** The encrypted log files, oldest first. */
	List<Path> files() throws IOException {
		try (Stream<Path> listing = Files.list(this.directory)) {
			return listing.sorted().toList();
		}
	}

	@Override
	public void close() {
		this.appender.stop();
		this.logback.stop();
	}

	/** Everything a file gives back, and how it ends. */
	record Read(List<String> lines, ReadReport report) {

		List<JsonNode> json() {
			return this.lines.stream().map(JSON::readTree).toList();
		}

		List<String> messages() {
			return json().stream().map((line) -> line.path("message").asString()).toList();
		}

	}

	static Read read(LogFileReader reader, Path file) throws Exception {
		StringBuilder text = new StringBuilder();
		ReadReport report = reader.read(file, text::append);
		return new Read(lines(text.toString()), report);
	}

	static List<String> lines(String text) {
		List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
		if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
			lines.remove(lines.size() - 1);
		}
		return lines;
	}

}
