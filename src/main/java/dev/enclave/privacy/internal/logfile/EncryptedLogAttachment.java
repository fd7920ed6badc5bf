package dev.enclave.privacy.internal.logfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * The encrypted log file appender while it hangs off Logback's root logger. Closing it
 * detaches the appender, then stops it: the queued lines are written and the file closed
 * with its end record.
 */
final class EncryptedLogAttachment implements AutoCloseable {

	private static final org.slf4j.Logger log = LoggerFactory.getLogger(EncryptedLogAttachment.class);

	private final Logger root;

	private final EncryptedFileAppender appender;

	private EncryptedLogAttachment(Logger root, EncryptedFileAppender appender) {
		this.root = root;
		this.appender = appender;
	}

	/** Starts {@code appender} and attaches it to the root logger of {@code logback}. */
	static EncryptedLogAttachment attach(LoggerContext logback, EncryptedFileAppender appender, Path directory) {
		try {
			// Fails here, at start, rather than on the writer thread with every line.
			RotatingLogFiles.createDirectory(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the encrypted log directory " + directory, ex);
		}
		if (!Files.isWritable(directory)) {
			throw new IllegalStateException("The encrypted log directory " + directory + " is not writable");
		}
		appender.start();
		Logger root = logback.getLogger(Logger.ROOT_LOGGER_NAME);
		root.addAppender(appender);
		log.info("Log lines also go to encrypted files in {}", directory);
		return new EncryptedLogAttachment(root, appender);
	}

	EncryptedFileAppender appender() {
		return this.appender;
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.appender.stop();
	}

}
