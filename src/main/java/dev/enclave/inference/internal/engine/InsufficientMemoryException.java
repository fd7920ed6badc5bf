package dev.enclave.inference.internal.engine;

/** A device has too little memory for a model: the hardware preflight's refusal. */
public final class InsufficientMemoryException extends RuntimeException {

	InsufficientMemoryException(String message) {
		super(message);
	}

}
