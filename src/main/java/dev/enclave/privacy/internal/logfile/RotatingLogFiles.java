package dev.enclave.privacy.internal.logfile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.enclave.privacy.internal.KeyEncryptionKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of encrypted log files: the one being written, closed (with its end record)
 * once it reaches {@code max-file-size} or {@code max-age}, and the older ones, deleted beyond
 * {@code retention}. A file is opened only when a record comes, so a quiet server makes no
 * empty files. Names are {@code enclave-<UTC time>.log.enc}, later for each new file, so they
 * sort by creation; only files named so are ever deleted. Each instance needs a directory of
 * its own: two writers would delete each other's files by retention. Not thread-safe: the
 * appender's writer thread owns it.
 */
final class RotatingLogFiles implements Closeable {

	private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final Pattern NAME = Pattern.compile("enclave-\\d{8}T\\d{6}\\.\\d{3}Z\\.log\\.enc");

	private static final Logger log = LoggerFactory.getLogger(RotatingLogFiles.class);

	private final Path directory;

	private final KeyEncryptionKey kek;

	private final EncryptedLogSettings settings;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private @Nullable LogFileWriter current;

	private @Nullable Instant lastCreated;

	RotatingLogFiles(Path directory, KeyEncryptionKey kek, EncryptedLogSettings settings, Clock clock) {
		this.directory = directory;
		this.kek = kek;
		this.settings = settings;
		this.clock = clock;
	}

	/** Owner-only where it is created here; an existing directory keeps the operator's permissions. */
	static void createDirectory(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.createDirectories(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		else {
			Files.createDirectories(directory);
		}
	}

	/**
	 * Appends one record of whole lines to the current file, opening a new one first when none
	 * is open or the open one is past its age. A file that fails is left unclosed and the next
	 * record goes to a new one.
	 */
	void append(byte[] plaintext, int length) throws IOException, GeneralSecurityException {
		closeIfAged();
		LogFileWriter file = (this.current != null) ? this.current : open();
		try {
			file.append(plaintext, length);
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			this.current = null;
			file.abandon();
			throw ex;
		}
		if (file.size() >= this.settings.maxFileSize().toBytes()) {
			close();
		}
	}

	/** Where the next record should end: at most {@code target} bytes, fewer where the file would pass its size. */
	long recordLimit(long target) {
		long used = (this.current != null) ? this.current.size() : 0;
		return Math.max(1, Math.min(target, this.settings.maxFileSize().toBytes() - used));
	}

	/** How long until the open file is due to close by age, at most {@code longest}. */
	long millisUntilDue(Duration longest) {
		LogFileWriter file = this.current;
		if (file == null) {
			return longest.toMillis();
		}
		long due = Duration.between(this.clock.instant(), file.created().plus(this.settings.maxAge())).toMillis();
		return Math.max(1, Math.min(due, longest.toMillis()));
	}

	void closeIfAged() throws IOException {
		LogFileWriter file = this.current;
		if (file != null && !this.clock.instant().isBefore(file.created().plus(this.settings.maxAge()))) {
			close();
		}
	}

	/** Closes the open file, if any, with its end record. */
	@Override
	public void close() throws IOException {
		LogFileWriter file = this.current;
		if (file != null) {
			this.current = null;
			file.close();
		}
	}

	private LogFileWriter open() throws IOException, GeneralSecurityException {
		createDirectory(this.directory);
		Instant created = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
		if (this.lastCreated != null && !created.isAfter(this.lastCreated)) {
			created = this.lastCreated.plusMillis(1);
		}
		for (int attempt = 0;; attempt++) {
			Path path = this.directory.resolve("enclave-" + NAME_TIME.format(created) + ".log.enc");
			try {
				LogFileWriter file = LogFileWriter.create(path, created, this.kek, this.random);
				this.lastCreated = created;
				this.current = file;
				deleteBeyondRetention(path);
				return file;
			}
			catch (FileAlreadyExistsException ex) {
				// Another file of the same millisecond (a restart, a clock set back): take the next one.
				if (attempt == 100) {
					throw ex;
				}
				created = created.plusMillis(1);
			}
		}
	}

	private void deleteBeyondRetention(Path keep) {
		List<Path> files;
		try (Stream<Path> listing = Files.list(this.directory)) {
			files = listing.filter((path) -> NAME.matcher(path.getFileName().toString()).matches())
				.sorted(Comparator.comparing((Path path) -> path.getFileName().toString()).reversed())
				.toList();
		}
		catch (IOException ex) {
			log.warn("Cannot list {} to delete old encrypted log files: {}", this.directory, ex.toString());
			return;
		}
		for (Path old : files.subList(Math.min(this.settings.retention(), files.size()), files.size())) {
			if (old.equals(keep)) {
				continue;
			}
			try {
				Files.deleteIfExists(old);
			}
			catch (IOException ex) {
				log.warn("Cannot delete the old encrypted log file {}: {}", old, ex.toString());
			}
		}
	}

}
