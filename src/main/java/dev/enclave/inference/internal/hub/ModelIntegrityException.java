package dev.enclave.inference.internal.hub;

/**
 * A downloaded file did not match the size or digest the hub lists for it. The bad file has
 * been deleted by the time this is thrown, so nothing unverified is ever left in place.
 */
public class ModelIntegrityException extends RuntimeException {

	public ModelIntegrityException(String message) {
		super(message);
	}

}
