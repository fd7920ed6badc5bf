package dev.enclave.shared;

/**
 * Why an operator command ended unsuccessfully, with the process exit code it ends with.
 * The codes are documented in the README and in {@code java -jar enclave.jar --help}; a
 * script can tell a check that failed (1) from a mistake in the command line (2) and from a
 * system that could not be reached (3).
 */
public final class CommandFailure extends RuntimeException {

	/** The command ran and found a problem, or refused: a mismatch, a bad signature. */
	public static final int FAILED = 1;

	/** The command line is wrong: unknown command or option, missing or invalid value. */
	public static final int USAGE = 2;

	/** Something the command needs could not be reached: the database, the hub, a file. */
	public static final int UNAVAILABLE = 3;

	private final int exitCode;

	private CommandFailure(int exitCode, String message, Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	public static CommandFailure failed(String message, Throwable cause) {
		return new CommandFailure(FAILED, message, cause);
	}

	public static CommandFailure unavailable(String message, Throwable cause) {
		return new CommandFailure(UNAVAILABLE, message, cause);
	}

	public int exitCode() {
		return this.exitCode;
	}

}
