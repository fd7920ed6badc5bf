package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.KeysetHandle;

/**
 * Wraps and unwraps data keys. Today the installation's Tink keyset
 * ({@link TinkKeysetKek}); this is the seam where a KMS-backed key (each data key wrapped by
 * a remote KMS call) plugs in later without the rest of the module changing. Public (inside
 * the module's internals) for the encrypted log files, whose per-file keys it wraps too.
 */
public interface KeyEncryptionKey {

	/** The key-encryption key of a Tink AEAD keyset: wraps with its primary, unwraps with any of its keys. */
	static KeyEncryptionKey of(KeysetHandle keyset) {
		return new TinkKeysetKek(keyset);
	}

	/** Id of the key new data keys are wrapped with; recorded in {@code data_keys.kek_key_id}. */
	long primaryKeyId();

	/** Encrypts a data keyset with the primary, bound to {@code associatedData}. */
	byte[] wrap(KeysetHandle dataKey, byte[] associatedData) throws GeneralSecurityException;

	/** Decrypts a wrapped data keyset with whichever key wrapped it. */
	KeysetHandle unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException;

}
