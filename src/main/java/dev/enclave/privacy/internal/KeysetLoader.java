package dev.enclave.privacy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.storage.DataDirectory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the key-encryption keyset: {@code ENCLAVE_KEYSET} (base64 of a Tink JSON keyset),
 * else {@code ENCLAVE_KEYSET_FILE}, else the embedded default under the data directory,
 * generated on first start. An encrypted keyset is opened with the master key from
 * {@code ENCLAVE_KEYSET_MASTER_KEY_FILE}. Nothing here ever logs key material.
 */
final class KeysetLoader {

	static final String EMBEDDED_FILE = "keyset.json";

	/** Tinkey and Tink's own tools encrypt keysets with empty associated data. */
	private static final byte[] KEYSET_ASSOCIATED_DATA = new byte[0];

	private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

	private static final Logger log = LoggerFactory.getLogger(KeysetLoader.class);

	private final KeysetSettings settings;

	private final DataDirectory dataDirectory;

	KeysetLoader(KeysetSettings settings, DataDirectory dataDirectory) {
		TinkRegistration.ensure();
		this.settings = settings;
		this.dataDirectory = dataDirectory;
	}

	LoadedKeyset load() {
		return load(true);
	}

	/**
	 * Loads the keyset like {@link #load()} but never generates the embedded one: a command
	 * that only reads (such as {@code logs read}) must not create a keyset that could open
	 * nothing.
	 */
	LoadedKeyset loadExisting() {
		return load(false);
	}

	private LoadedKeyset load(boolean generateEmbedded) {
		Aead master = (this.settings.keysetMasterKeyFile() != null) ? masterKey(this.settings.keysetMasterKeyFile())
				: null;
		LoadedKeyset loaded;
		if (this.settings.keyset() != null) {
			loaded = new LoadedKeyset(parse(decode(this.settings.keyset()), master, "ENCLAVE_KEYSET"), "ENCLAVE_KEYSET",
					null, master);
		}
		else if (this.settings.keysetFile() != null) {
			Path file = this.settings.keysetFile().toAbsolutePath();
			if (!Files.isRegularFile(file)) {
				throw new IllegalStateException("The keyset file " + file + " (ENCLAVE_KEYSET_FILE) does not exist");
			}
			loaded = new LoadedKeyset(parse(read(file), master, file.toString()), file.toString(), file, master);
		}
		else {
			loaded = embedded(master, generateEmbedded);
		}
		log.atInfo()
			.addKeyValue("keys", loaded.handle().size())
			.addKeyValue("primaryKeyId", Integer.toUnsignedLong(loaded.handle().getPrimary().getId()))
			.log("Key-encryption keyset loaded from {}", loaded.origin());
		return loaded;
	}

	private LoadedKeyset embedded(@Nullable Aead master, boolean generate) {
		// Only a start that may generate the keyset creates the keys directory.
		Path keys = (generate) ? this.dataDirectory.directory("keys") : this.dataDirectory.root().resolve("keys");
		Path file = keys.resolve(EMBEDDED_FILE);
		if (Files.exists(file)) {
			log.warn("Using the embedded key-encryption keyset {}. Every stored conversation depends on it: keep a "
					+ "backup of it apart from database backups, or set ENCLAVE_KEYSET_FILE / ENCLAVE_KEYSET", file);
			return new LoadedKeyset(parse(read(file), master, file.toString()), file.toString(), file, master);
		}
		if (!generate) {
			throw new IllegalStateException("No key-encryption keyset: neither ENCLAVE_KEYSET nor ENCLAVE_KEYSET_FILE is set "
					+ "and the data directory holds none at " + file);
		}
		try {
			KeysetHandle generated = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
			this.dataDirectory.writeSecret(file, serialize(generated, master).getBytes(StandardCharsets.UTF_8));
			log.warn("GENERATED A NEW KEY-ENCRYPTION KEYSET at {}. It is the only key to every conversation this "
					+ "installation stores: BACK IT UP NOW, apart from database backups. Losing it makes all stored "
					+ "content unreadable. For production, provide your own with ENCLAVE_KEYSET_FILE or ENCLAVE_KEYSET",
					file);
			return new LoadedKeyset(generated, file.toString(), file, master);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot generate a key-encryption keyset", ex);
		}
	}

	/** The keyset as JSON, encrypted with the master key when there is one. */
	static String serialize(KeysetHandle keyset, @Nullable Aead master) throws GeneralSecurityException {
		return (master != null) ? TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, master, KEYSET_ASSOCIATED_DATA)
				: TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
	}

	static KeysetHandle parse(String json, @Nullable Aead master, String origin) {
		// An encrypted keyset is a different JSON object (EncryptedKeyset) with this field;
		// a cleartext keyset never has it.
		boolean encrypted = json.contains("\"encryptedKeyset\"");
		if (encrypted && master == null) {
			throw new IllegalStateException("The keyset in " + origin + " is encrypted; set "
					+ "ENCLAVE_KEYSET_MASTER_KEY_FILE to the master key that decrypts it");
		}
		KeysetHandle handle;
		try {
			handle = (encrypted) ? TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, master, KEYSET_ASSOCIATED_DATA)
					: TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// Tink's parse errors describe the structure, not the key bytes; the cause is kept.
			throw new IllegalStateException("The keyset in " + origin + " is not a valid Tink JSON keyset"
					+ ((encrypted) ? " or the master key does not decrypt it" : ""), ex);
		}
		requireAead(handle, origin);
		return handle;
	}

	private static Aead masterKey(Path file) {
		Path path = file.toAbsolutePath();
		if (!Files.isRegularFile(path)) {
			throw new IllegalStateException("The master key file " + path + " (ENCLAVE_KEYSET_MASTER_KEY_FILE) does not exist");
		}
		KeysetHandle handle = parse(read(path), null, path.toString());
		return requireAead(handle, path.toString());
	}

	private static Aead requireAead(KeysetHandle handle, String origin) {
		try {
			return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The keyset in " + origin + " does not hold AEAD keys (AES-256-GCM expected)",
					ex);
		}
	}

	private static String decode(String value) {
		String trimmed = value.strip();
		if (trimmed.startsWith("{")) {
			return trimmed;
		}
		try {
			// The MIME decoder skips line breaks, which `base64` inserts every 76 characters.
			return new String(Base64.getMimeDecoder().decode(trimmed), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("ENCLAVE_KEYSET is neither base64 nor JSON");
		}
	}

	private static String read(Path file) {
		warnIfShared(file);
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read keyset file " + file, ex);
		}
	}

	private static void warnIfShared(Path file) {
		try {
			if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
				permissions.retainAll(OTHERS);
				if (!permissions.isEmpty()) {
					log.warn("The keyset file {} can be read or written by other users; restrict it to its owner "
							+ "(chmod 600)", file);
				}
			}
		}
		catch (IOException ex) {
			log.debug("Cannot check the permissions of {}", file, ex);
		}
	}

}
