package dev.enclave.inference.internal.checkpoint;

/**
 * A checkpoint that cannot be served: a file missing, unlisted or altered, or a layout the
 * engine does not understand. The message is for operators; it names the file and says
 * what is wrong with it, and never carries file contents.
 */
public class CheckpointException extends RuntimeException {

	public CheckpointException(String message) {
		super(message);
	}

	public CheckpointException(String message, Throwable cause) {
		super(message, cause);
	}

}
