package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentIntegrityException;
import dev.enclave.privacy.ContentRef;
import reactor.core.publisher.Mono;

/**
 * Envelope encryption of content: AES-256-GCM under the conversation's data key, with the
 * {@link ContentRef} as associated data. The cipher work itself is a few microseconds per
 * message and runs on the caller's thread.
 */
final class EnvelopeContentCipher implements ContentCipher {

	private final ConversationKeys keys;

	EnvelopeContentCipher(ConversationKeys keys) {
		this.keys = keys;
	}

	@Override
	public Mono<byte[]> seal(ContentRef ref, String plaintext) {
		byte[] bytes = plaintext.getBytes(StandardCharsets.UTF_8);
		return this.keys.forSealing(ref).handle((aead, sink) -> {
			try {
				sink.next(aead.encrypt(bytes, AssociatedData.content(ref)));
			}
			catch (GeneralSecurityException ex) {
				sink.error(new IllegalStateException("AES-GCM encryption failed", ex));
			}
		});
	}

	@Override
	public Mono<String> open(ContentRef ref, byte[] ciphertext) {
		return this.keys.forOpening(ref).handle((aead, sink) -> {
			try {
				sink.next(new String(aead.decrypt(ciphertext, AssociatedData.content(ref)), StandardCharsets.UTF_8));
			}
			catch (GeneralSecurityException ex) {
				// Tink does not say which check failed, and that is right: all of these look alike.
				sink.error(new ContentIntegrityException(ref,
						"it was altered, or sealed for another row, field or conversation"));
			}
		});
	}

}
