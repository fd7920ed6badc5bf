package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

/**
 * A conversation's data key exists but cannot be unwrapped: the key-encryption key that
 * wrapped it is missing from the configured keyset (a keyset from another installation, or a
 * key removed before every data key was re-wrapped). The content is intact; restoring the
 * right keyset makes it readable again.
 */
public final class DataKeyUnavailableException extends PrivacyException {

	public DataKeyUnavailableException(ConversationId conversation, Throwable cause) {
		super("The data key of conversation " + conversation
				+ " cannot be unwrapped with the configured key-encryption keyset", cause);
	}

}
