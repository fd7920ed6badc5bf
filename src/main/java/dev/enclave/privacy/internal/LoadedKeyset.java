package dev.enclave.privacy.internal;

import java.nio.file.Path;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import org.jspecify.annotations.Nullable;

/**
 * The key-encryption keyset as loaded at start, with where it came from, so the key
 * commands can write a changed keyset back in the same form.
 *
 * @param handle the keyset
 * @param origin a description for logs: the file, or {@code ENCLAVE_KEYSET}
 * @param file the file it was read from; {@code null} when it came from the environment
 * @param masterKey the master key it is encrypted with; {@code null} for a cleartext keyset
 */
record LoadedKeyset(KeysetHandle handle, String origin, @Nullable Path file, @Nullable Aead masterKey) {

	@Override
	public String toString() {
		return "LoadedKeyset[" + this.origin + "]";
	}

}
