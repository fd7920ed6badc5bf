package dev.enclave.inference.internal.hub;

/**
 * The hub or mirror could not be reached, answered an HTTP error, or listed something that
 * cannot be pulled safely. The message is for operators: it names the status and the URL
 * (never a token, never a signed query string) and says what to do about it.
 */
public class HubException extends RuntimeException {

	public HubException(String message) {
		super(message);
	}

	public HubException(String message, Throwable cause) {
		super(message, cause);
	}

}
