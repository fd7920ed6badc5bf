package dev.enclave.privacy.internal.logfile;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.EnclaveApplication;
import dev.enclave.EnclaveCommand;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import dev.enclave.privacy.internal.TinkRegistration;
import dev.enclave.shared.CommandFailure;
import fixtures.MovableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar enclave.jar logs read} as an operator runs it: the keyset from the same
 * configuration as the server, the lines on standard output, notes and failures on standard
 * error, and the documented exit codes.
 */
class LogsCommandTests {

	private static KeysetHandle keyset;

	private static String loggingSystem;

	@TempDir
	Path dir;

	@BeforeAll
	static void keysetAndLogging() throws Exception {
		TinkRegistration.ensure();
		keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		// The command configures the process's logging (nothing on standard output); inside this
		// test JVM it must leave the other tests' logging alone. The process test below runs it
		// with its real logging.
		loggingSystem = System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
	}

	@AfterAll
	static void restoreLogging() {
		if (loggingSystem != null) {
			System.setProperty(LoggingSystem.SYSTEM_PROPERTY, loggingSystem);
		}
		else {
			System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
		}
	}

	@Test
	void printsTheLinesOfEachFileInOrder() throws Exception {
		List<Path> files = twoFiles(3);
		Path keysetFile = writeKeyset(keyset, this.dir.resolve("keyset.json"));
		Result result = run("logs", "read", files.get(0).toString(), files.get(1).toString(),
				"--enclave.keyset-file=" + keysetFile, "--enclave.data-dir=" + this.dir.resolve("data"));
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(result.err()).isEmpty();
		assertThat(messages(result.out())).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4", "line 5");
		assertThat(this.dir.resolve("data")).as("a reading command creates nothing").doesNotExist();
	}

	@Test
	void readsWithTheEmbeddedKeysetOfTheDataDirectory() throws Exception {
		List<Path> files = twoFiles(1);
		writeKeyset(keyset, this.dir.resolve("data/keys/keyset.json"));
		Result result = run("logs", "read", files.get(0).toString(), "--enclave.data-dir=" + this.dir.resolve("data"));
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(messages(result.out())).containsExactly("line 0");
	}

	@Test
	void aCrashedFileGivesEveryCompleteLineAndANote() throws Exception {
		Path file = twoFiles(3).get(0);
		byte[] bytes = Files.readAllBytes(file);
		// Cut into the third record, dropping it and the end record.
		Files.write(file, Arrays.copyOf(bytes, bytes.length - 200));
		Result result = read(file);
		assertThat(result.code()).as(result.err()).isZero();
		assertThat(messages(result.out())).containsExactly("line 0", "line 1");
		assertThat(result.err()).contains(file + ": ends in the middle of record 3")
			.contains("the 2 records (2 lines) before it were printed");
	}

	@Test
	void anAlteredFileIsExitCodeOneAfterTheLinesBeforeTheDamage() throws Exception {
		Path file = twoFiles(3).get(0);
		byte[] bytes = Files.readAllBytes(file);
		bytes[bytes.length - 150] ^= 0x40;
		Files.write(file, bytes);
		Result result = read(file);
		assertThat(result.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(messages(result.out())).containsExactly("line 0", "line 1");
		assertThat(result.err()).contains("enclave logs read: " + file + ": record 3")
			.contains("fails authentication");
	}

	@Test
	void anotherKeysetIsExitCodeOne() throws Exception {
		Path file = twoFiles(1).get(0);
		Path other = writeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
				this.dir.resolve("other.json"));
		Result result = run("logs", "read", file.toString(), "--enclave.keyset-file=" + other);
		assertThat(result.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(result.out()).isEmpty();
		assertThat(result.err()).contains("the keyset cannot open this file's key");
	}

	@Test
	void aMissingFileOrKeysetIsExitCodeThreeAndAWrongCommandLineTwo() throws Exception {
		Result missing = read(this.dir.resolve("nothing.log.enc"));
		assertThat(missing.code()).isEqualTo(CommandFailure.UNAVAILABLE);
		assertThat(missing.err()).contains("nothing.log.enc: no such file");

		Path file = twoFiles(1).get(0);
		Result noKeyset = run("logs", "read", file.toString(), "--enclave.data-dir=" + this.dir.resolve("empty"));
		assertThat(noKeyset.code()).isEqualTo(CommandFailure.UNAVAILABLE);
		assertThat(noKeyset.err()).contains("Cannot load the keyset: No key-encryption keyset");
		assertThat(this.dir.resolve("empty/keys")).as("never generates a keyset").doesNotExist();

		assertThat(run("logs", "read").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(run("logs").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(run("logs", "read", file.toString(), "--stray").code()).isEqualTo(CommandFailure.USAGE);
	}

	@Test
	void inItsOwnProcessStandardOutputHoldsTheLinesAndNothingElse() throws Exception {
		Path file = twoFiles(3).get(0);
		Path keysetFile = writeKeyset(keyset, this.dir.resolve("keyset.json"));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), EnclaveApplication.class.getName(), "logs", "read",
				file.toString(), "--enclave.keyset-file=" + keysetFile));
		Path stderr = this.dir.resolve("stderr.txt");
		Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the command ends").isTrue();
		assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
		assertThat(LogFileFixture.lines(out)).hasSize(3)
			.allSatisfy((line) -> assertThat(LogFileFixture.JSON.readTree(line).path("logger_name").asString())
				.isEqualTo("enclave.test"));
	}

	/** Two files (the first rotated by age), {@code perFile} lines of one record each in each. */
	private List<Path> twoFiles(int perFile) throws Exception {
		MovableClock clock = new MovableClock();
		try (LogFileFixture logs = new LogFileFixture(this.dir.resolve("logs"), KeyEncryptionKey.of(keyset),
				LogFileFixture.settings(DataSize.ofMegabytes(1), Duration.ofHours(1), 10, DataSize.ofMegabytes(1)),
				clock)) {
			int line = 0;
			for (int file = 0; file < 2; file++) {
				for (int i = 0; i < perFile; i++) {
					logs.logger.info("line " + line++);
					logs.flush();
				}
				clock.advance(Duration.ofHours(1));
			}
			logs.close();
			return logs.files();
		}
	}

	private static Path writeKeyset(KeysetHandle handle, Path file) throws Exception {
		Files.createDirectories(file.getParent());
		Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		return file;
	}

	private Result read(Path file) throws Exception {
		Path keysetFile = writeKeyset(keyset, this.dir.resolve("keyset.json"));
		return run("logs", "read", file.toString(), "--enclave.keyset-file=" + keysetFile);
	}

	private static List<String> messages(String out) {
		return LogFileFixture.lines(out).stream().map(LogFileFixture.JSON::readTree)
			.map((JsonNode line) -> line.path("message").asString())
			.toList();
	}

	private static Result run(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
		return new Result(code, out.toString(), err.toString());
	}

	private record Result(int code, String out, String err) {
	}

}
