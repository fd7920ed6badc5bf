package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;

/**
 * The key-encryption keyset as Tink defines it: any number of AEAD keys, one primary.
 * Wrapping uses the primary; unwrapping finds the key by the id Tink prefixes to every
 * ciphertext, so data keys wrapped before a rotation stay readable until they are re-wrapped.
 */
final class TinkKeysetKek implements KeyEncryptionKey {

	private final KeysetHandle keyset;

	private final Aead aead;

	TinkKeysetKek(KeysetHandle keyset) {
		TinkRegistration.ensure();
		this.keyset = keyset;
		try {
			this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The key-encryption keyset is not an AEAD keyset (AES-256-GCM expected)", ex);
		}
	}

	@Override
	public long primaryKeyId() {
		return Integer.toUnsignedLong(this.keyset.getPrimary().getId());
	}

	@Override
	public byte[] wrap(KeysetHandle dataKey, byte[] associatedData) throws GeneralSecurityException {
		return TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, this.aead, associatedData);
	}

	@Override
	public KeysetHandle unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
		return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, this.aead, associatedData);
	}

}
