package dev.enclave.privacy;

/**
 * Base of the privacy module's failures. Messages name ids and fields, never content or
 * key material, so they are safe to log.
 */
public abstract class PrivacyException extends RuntimeException {

	protected PrivacyException(String message) {
		super(message);
	}

	protected PrivacyException(String message, Throwable cause) {
		super(message, cause);
	}

}
