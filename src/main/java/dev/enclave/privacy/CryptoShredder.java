package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import reactor.core.publisher.Mono;

/**
 * Crypto-shredding: erasing a conversation by destroying its data key. Once the key is gone,
 * every ciphertext sealed for the conversation, including copies in backups, read replicas
 * and logs of the database, is unreadable, even to someone holding the key-encryption
 * keyset. The caller (the conversation module) deletes its rows afterwards.
 */
public interface CryptoShredder {

	/**
	 * Destroys the conversation's data key (wipes the wrapped key and marks it destroyed),
	 * drops it and the conversation's cache entries from memory, and publishes
	 * {@link ConversationKeyShredded}. The conversation can never get a new key afterwards.
	 * Shredding again changes nothing and publishes nothing.
	 * @return the shred that happened, with the time it first happened
	 */
	Mono<ConversationKeyShredded> shred(TenantId tenant, ConversationId conversation);

}
