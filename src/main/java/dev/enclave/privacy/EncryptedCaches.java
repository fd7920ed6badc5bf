package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

/**
 * Creates {@link EncryptedCache}s and purges them all at once. Shredding a conversation
 * purges its entries from every cache created here.
 */
public interface EncryptedCaches {

	/**
	 * Creates a cache with the configured time to live and maximum size.
	 * @param name a short lower-case name, unique in the application, used as the metrics tag
	 * (for example {@code responses})
	 * @throws IllegalStateException when a cache of that name exists
	 */
	EncryptedCache create(String name);

	/** Removes every entry of the tenant from every cache. */
	void evictTenant(TenantId tenant);

	/** Removes every entry of the conversation from every cache. */
	void evictConversation(ConversationId conversation);

}
