package dev.enclave.privacy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.KeysetHandle;
import dev.enclave.storage.DataDirectory;

/**
 * Replaces a keyset file with a changed keyset, in the form it was read (cleartext, or
 * encrypted with the same master key). The new file is written owner-only beside the old
 * one and moved over it atomically, so a crash leaves either the old keyset or the new one,
 * never half of either. No old copy is kept: the commands only add a key, change the
 * primary, or remove a key no live data key depends on any more.
 */
final class KeysetFileWriter {

	private final DataDirectory dataDirectory;

	KeysetFileWriter(DataDirectory dataDirectory) {
		this.dataDirectory = dataDirectory;
	}

	void replace(LoadedKeyset loaded, KeysetHandle updated) {
		Path file = loaded.file();
		if (file == null) {
			throw new IllegalStateException("The keyset comes from ENCLAVE_KEYSET, which Enclave cannot change. Write it "
					+ "to a file (base64 -d), run the command with ENCLAVE_KEYSET_FILE pointing at that file, then put "
					+ "the file back into the secret (base64 -w0)");
		}
		Path partial = file.resolveSibling(file.getFileName() + ".new");
		try {
			byte[] json = KeysetLoader.serialize(updated, loaded.masterKey()).getBytes(StandardCharsets.UTF_8);
			Files.deleteIfExists(partial);
			this.dataDirectory.writeSecret(partial, json);
			try {
				Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot serialize the changed keyset", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot replace the keyset file " + file, ex);
		}
	}

}
