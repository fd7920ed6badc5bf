package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

/**
 * The conversation's data key was destroyed ({@link CryptoShredder#shred}): nothing sealed
 * for it can be opened again, and nothing new can be sealed for it.
 */
public final class ConversationShreddedException extends PrivacyException {

	private final ConversationId conversation;

	public ConversationShreddedException(ConversationId conversation) {
		super("Conversation " + conversation + " has been shredded; its data key no longer exists");
		this.conversation = conversation;
	}

	public ConversationId conversation() {
		return this.conversation;
	}

}
