package dev.enclave.privacy.internal.logfile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.Redactor;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import dev.enclave.privacy.internal.TinkRegistration;
import dev.enclave.privacy.internal.logfile.LogFileFixture.Read;
import dev.enclave.privacy.internal.logfile.ReadReport.Ending;
import fixtures.MovableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The encrypted log files end to end on a real Logback context, the server's structured
 * encoder and a real Tink keyset: what is on disk, what comes back, and what a crash, a
 * flipped byte or a wrong keyset do.
 */
class EncryptedLogFileTests {

	/** Secret-looking content a careless log line might carry; the redactor masks it before encryption. */
	private static final List<String> SECRETS = List.of("zhang.san@example.com", "13812345678",
			"ek_live_9f8e7d6c5b4a3f2e1d0c", "11010519491231002X");

	private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

	private static KeysetHandle keyset;

	@TempDir
	Path dir;

	@BeforeAll
	static void keyset() throws Exception {
		TinkRegistration.ensure();
		keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
	}

	private LogFileFixture fixture(EncryptedLogSettings settings, Clock clock) {
		return new LogFileFixture(this.dir.resolve("logs"), KeyEncryptionKey.of(keyset), settings, clock);
	}

	private static LogFileReader reader() {
		return new LogFileReader(KeyEncryptionKey.of(keyset));
	}

	private static String message(int i) {
		return String.format("request %05d finished for customer %s, phone %s, key %s, id %s", i, SECRETS.get(0),
				SECRETS.get(1), SECRETS.get(2), SECRETS.get(3));
	}

	@Test
	void rotatesBySizeKeepsTheNewestFilesAndNoFileHoldsAnyPlaintext() throws Exception {
		int count = 400;
		List<Path> files;
		try (LogFileFixture logs = fixture(
				LogFileFixture.settings(DataSize.ofKilobytes(8), Duration.ofDays(1), 3, DataSize.ofMegabytes(8)), FIXED)) {
			for (int i = 0; i < count; i++) {
				logs.logger.info(message(i));
			}
			logs.close();
			files = logs.files();
		}

		assertThat(files).as("rotated by size, the oldest deleted beyond the retention of 3").hasSize(3);
		for (Path file : files) {
			assertThat(file.getFileName().toString()).matches("enclave-20261123T050000\\.\\d{3}Z\\.log\\.enc");
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
			assertThat(Files.size(file)).as("a file passes its size by at most a line and a record's overhead")
				.isLessThan(8 * 1024 + 1024);
			byte[] raw = Files.readAllBytes(file);
			// A two-byte pattern such as {" turns up by chance in random ciphertext about once per
			// 64 KiB, so the scan looks for longer fragments that no ciphertext repeats by chance.
			for (String fragment : List.of("{\"@timestamp\"", "\"message\"", "\"logger_name\"", "enclave.test",
					"finished for customer", "request 00", "[email]", "[phone]", "[api_key]", "[cn_id]")) {
				assertThat(contains(raw, fragment)).as("%s holds '%s'", file.getFileName(), fragment).isFalse();
			}
			for (String secret : SECRETS) {
				for (int start = 0; start + 8 <= secret.length(); start++) {
					String fragment = secret.substring(start, start + 8);
					assertThat(contains(raw, fragment)).as("%s holds '%s'", file.getFileName(), fragment).isFalse();
				}
			}
		}

		List<String> messages = new ArrayList<>();
		for (Path file : files) {
			Read read = LogFileFixture.read(reader(), file);
			assertThat(read.report().ending()).as("closed on rotation and on stop").isEqualTo(Ending.CLOSED);
			assertThat(read.json()).allSatisfy((line) -> assertThat(line.path("logger_name").asString())
				.isEqualTo("enclave.test"));
			messages.addAll(read.messages());
		}
		assertThat(messages).as("the newest lines, in order, redacted").isNotEmpty();
		int first = count - messages.size();
		assertThat(first).as("the oldest files were deleted").isPositive();
		for (int i = 0; i < messages.size(); i++) {
			assertThat(messages.get(i)).startsWith(String.format("request %05d finished for customer [email]", first + i))
				.contains("[phone]", "[api_key]", "[cn_id]");
		}
		assertThat(String.join("\n", messages)).doesNotContain(SECRETS);
	}

	@Test
	void aCrashLeavesEveryCompleteRecordReadableAndTheTornTailReported() throws Exception {
		try (LogFileFixture logs = fixture(
				LogFileFixture.settings(DataSize.ofMegabytes(1), Duration.ofDays(1), 10, DataSize.ofMegabytes(8)),
				FIXED)) {
			for (int i = 0; i < 3; i++) {
				logs.logger.info(message(i));
				logs.flush();
			}
			// The writer is still running: this is the file a crash would leave behind.
			Path file = logs.files().get(0);
			Read live = LogFileFixture.read(reader(), file);
			assertThat(live.report()).isEqualTo(new ReadReport(3, 3, Ending.UNCLOSED));
			assertThat(live.messages()).hasSize(3);

			List<Long> records = recordOffsets(Files.readAllBytes(file));
			byte[] bytes = Files.readAllBytes(file);
			Path torn = this.dir.resolve("torn.log.enc");
			Files.write(torn, Arrays.copyOf(bytes, (int) (records.get(2) + 20)));
			Read read = LogFileFixture.read(reader(), torn);
			assertThat(read.report()).isEqualTo(new ReadReport(2, 2, Ending.TORN));
			assertThat(read.messages()).containsExactlyElementsOf(live.messages().subList(0, 2));

			Path zeroed = this.dir.resolve("zeroed.log.enc");
			Files.write(zeroed, Arrays.copyOf(bytes, bytes.length + 4096));
			assertThat(LogFileFixture.read(reader(), zeroed).report().ending())
				.as("a tail of zeros, as some file systems leave after a power loss").isEqualTo(Ending.TORN);

			Path headerOnly = this.dir.resolve("header.log.enc");
			Files.write(headerOnly, Arrays.copyOf(bytes, 20));
			assertThat(LogFileFixture.read(reader(), headerOnly).report()).isEqualTo(new ReadReport(0, 0, Ending.TORN));
		}
	}

	@Test
	void aFlippedByteFailsAuthenticationAfterTheRecordsBeforeIt() throws Exception {
		Path file = threeRecords();
		byte[] bytes = Files.readAllBytes(file);
		List<Long> records = recordOffsets(bytes);

		byte[] flipped = bytes.clone();
		flipped[(int) (records.get(1) + 60)] ^= 0x01;
		Files.write(file, flipped);
		List<String> delivered = new ArrayList<>();
		assertThatExceptionOfType(LogFileException.class).isThrownBy(() -> reader().read(file, delivered::add))
			.withMessageContaining("record 2 (at byte " + records.get(1) + ") fails authentication");
		assertThat(delivered).as("the authenticated record before the damage").hasSize(1);

		Files.write(file, replayFirstRecord(bytes, records));
		assertThatExceptionOfType(LogFileException.class).as("a record replayed in another position")
			.isThrownBy(() -> reader().read(file, (text) -> {
			}))
			.withMessageContaining("record 2 (at byte " + records.get(1) + ") fails authentication");

		byte[] key = bytes.clone();
		key[LogFileFormat.HEADER_FIXED_LENGTH + 10] ^= 0x01;
		Files.write(file, key);
		assertThatExceptionOfType(LogFileException.class).isThrownBy(() -> reader().read(file, (text) -> {
		})).withMessageContaining("the keyset cannot open this file's key");

		byte[] time = bytes.clone();
		time[12] ^= 0x01;
		Files.write(file, time);
		assertThatExceptionOfType(LogFileException.class)
			.as("the header's time and id are bound to the wrapped key")
			.isThrownBy(() -> reader().read(file, (text) -> {
			}))
			.withMessageContaining("the keyset cannot open this file's key");
	}

	@Test
	void anotherKeysetCannotOpenTheFile() throws Exception {
		Path file = threeRecords();
		LogFileReader stranger = new LogFileReader(
				KeyEncryptionKey.of(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)));
		assertThatExceptionOfType(LogFileException.class).isThrownBy(() -> stranger.read(file, (text) -> {
		})).withMessageContaining("written under a key this keyset does not hold");

		Path other = this.dir.resolve("notes.txt");
		Files.writeString(other, "{\"@timestamp\":\"2026-11-23T05:00:00Z\"}\n");
		assertThatExceptionOfType(LogFileException.class).isThrownBy(() -> reader().read(other, (text) -> {
		})).withMessage("not an Enclave encrypted log file");
	}

	@Test
	void rotatesByAgeEvenWhenIdle() throws Exception {
		MovableClock clock = new MovableClock();
		try (LogFileFixture logs = fixture(
				LogFileFixture.settings(DataSize.ofMegabytes(1), Duration.ofHours(1), 10, DataSize.ofMegabytes(8)),
				clock)) {
			logs.logger.info(message(1));
			logs.flush();
			clock.advance(Duration.ofHours(1));
			logs.flush();
			List<Path> files = logs.files();
			assertThat(files).hasSize(1);
			assertThat(LogFileFixture.read(reader(), files.get(0)).report())
				.as("closed an hour after it was created, with no line since")
				.isEqualTo(new ReadReport(1, 1, Ending.CLOSED));

			logs.logger.info(message(2));
			logs.flush();
			assertThat(logs.files()).hasSize(2);
		}
	}

	@Test
	void aLineThatDoesNotFitTheQueueIsDroppedAndCountedNeverWaitedFor() throws Exception {
		try (LogFileFixture logs = fixture(
				LogFileFixture.settings(DataSize.ofMegabytes(1), Duration.ofDays(1), 10, DataSize.ofKilobytes(64)),
				FIXED)) {
			logs.logger.info("x".repeat(70 * 1024));
			assertThat(logs.appender.dropped()).isEqualTo(1);
			logs.logger.info(message(7));
			logs.flush();
			logs.close();
			Read read = LogFileFixture.read(reader(), logs.files().get(0));
			assertThat(read.messages()).containsExactly(Redactor.redact(message(7)));
			assertThat(logs.appender.lost()).isZero();
		}
	}

	/** A closed file of three records of one line each. */
	private Path threeRecords() throws Exception {
		try (LogFileFixture logs = fixture(
				LogFileFixture.settings(DataSize.ofMegabytes(1), Duration.ofDays(1), 10, DataSize.ofMegabytes(8)),
				FIXED)) {
			for (int i = 0; i < 3; i++) {
				logs.logger.info(message(i));
				logs.flush();
			}
			logs.close();
			return logs.files().get(0);
		}
	}

	/** Where each record starts, from the header and the records' length fields. */
	private static List<Long> recordOffsets(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		long position = LogFileFormat.HEADER_FIXED_LENGTH + buffer.getInt(LogFileFormat.HEADER_PREFIX_LENGTH);
		List<Long> offsets = new ArrayList<>();
		while (position + LogFileFormat.RECORD_FRAME_LENGTH <= bytes.length) {
			offsets.add(position);
			position += LogFileFormat.RECORD_FRAME_LENGTH + buffer.getInt((int) position + 1);
		}
		return offsets;
	}

	/** The file with its second record replaced by a copy of its first. */
	private static byte[] replayFirstRecord(byte[] bytes, List<Long> records) {
		int first = records.get(0).intValue();
		int second = records.get(1).intValue();
		int third = records.get(2).intValue();
		ByteBuffer replayed = ByteBuffer.allocate(bytes.length - (third - second) + (second - first));
		replayed.put(bytes, 0, second).put(bytes, first, second - first).put(bytes, third, bytes.length - third);
		return replayed.array();
	}

	private static boolean contains(byte[] haystack, String needle) {
		byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
		outer: for (int i = 0; i + pattern.length <= haystack.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (haystack[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

}
