package dev.enclave.inference.internal.scheduler;

import java.util.Locale;

/**
 * Recognises the engine running out of memory in a step: PyTorch's CUDA and CPU allocators
 * report it as an engine exception with their own wording, the JVM as an error.
 */
final class OutOfMemory {

	private OutOfMemory() {
	}

	static boolean is(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof OutOfMemoryError) {
				return true;
			}
			String message = (cause.getMessage() != null) ? cause.getMessage().toLowerCase(Locale.ROOT) : "";
			if (message.contains("out of memory") || message.contains("can't allocate memory")
					|| message.contains("cannot allocate memory")) {
				return true;
			}
		}
		return false;
	}

}
