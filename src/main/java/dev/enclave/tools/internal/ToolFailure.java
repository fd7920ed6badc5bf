package dev.enclave.tools.internal;

/**
 * A tool's failure whose message is safe to tell the model (no secrets, no internals);
 * any other exception is told as "the tool failed".
 */
public class ToolFailure extends RuntimeException {

	public ToolFailure(String message) {
		super(message);
	}

}
