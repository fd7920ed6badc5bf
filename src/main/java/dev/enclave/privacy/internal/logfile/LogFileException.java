package dev.enclave.privacy.internal.logfile;

/**
 * An encrypted log file that cannot be trusted past some point: it is not one (wrong magic or
 * version), the keyset cannot open its key, or a record fails authentication. The message
 * says where; it never quotes the file's content.
 */
public final class LogFileException extends Exception {

	LogFileException(String message) {
		super(message);
	}

	LogFileException(String message, Throwable cause) {
		super(message, cause);
	}

}
