package dev.enclave.privacy;

import reactor.core.publisher.Mono;

/**
 * Seals and opens content stored in database columns. Every conversation has its own data
 * key, created on first use and kept wrapped by the installation's key-encryption keyset;
 * the {@link ContentRef} is bound as associated data, so a ciphertext opens only where it was
 * sealed. Both operations are reactive because the first use of a conversation's key reads
 * or writes the {@code data_keys} table.
 */
public interface ContentCipher {

	/**
	 * Encrypts {@code plaintext} for {@code ref} with the conversation's data key (AES-256-GCM).
	 * @return the ciphertext to store; it carries its own nonce and key id
	 * @throws ConversationShreddedException (as the error signal) when the conversation has
	 * been shredded
	 * @throws IllegalArgumentException (as the error signal) when the conversation belongs to
	 * another tenant than {@code ref} names
	 */
	Mono<byte[]> seal(ContentRef ref, String plaintext);

	/**
	 * Decrypts a ciphertext sealed for exactly this {@code ref}.
	 * @throws ContentIntegrityException (as the error signal) when it was altered, moved or
	 * sealed elsewhere
	 * @throws ConversationShreddedException (as the error signal) when the conversation has
	 * been shredded
	 */
	Mono<String> open(ContentRef ref, byte[] ciphertext);

}
