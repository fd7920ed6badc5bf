package dev.enclave.ratelimit.internal;

/** The limit store could not answer; whether that refuses the request is the failure mode's call. */
final class LimitStoreException extends RuntimeException {

	LimitStoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
