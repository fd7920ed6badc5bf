package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.DataKeyRewrapper;
import dev.enclave.privacy.DataKeyRewrapper.RewrapReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;

/**
 * The operator's key commands, run once at start when {@code enclave.privacy.command} is
 * set (the process then has no web server and ends afterwards; see
 * {@link KeysetCommandEnvironment}). Rotation follows Tink's rule that a key is known to
 * every instance before it becomes primary: {@code add-key}, restart every instance,
 * {@code promote-key}, restart every instance, {@code rewrap}; later, {@code delete-key}
 * retires the old key.
 *
 * <p>It closes the application when done, so it runs after every other runner; since Spring
 * Boot calls runners of equal order in no fixed order, each of the others declares an earlier
 * one.
 */
final class KeysetCommands implements ApplicationRunner, Ordered {

	private static final Logger log = LoggerFactory.getLogger(KeysetCommands.class);

	private static final Duration REWRAP_LIMIT = Duration.ofHours(12);

	private final PrivacySettings settings;

	private final LoadedKeyset keyset;

	private final KeysetFileWriter writer;

	private final DataKeyStore store;

	private final DataKeyRewrapper rewrapper;

	private final ApplicationContext context;

	KeysetCommands(PrivacySettings settings, LoadedKeyset keyset, KeysetFileWriter writer, DataKeyStore store,
			DataKeyRewrapper rewrapper, ApplicationContext context) {
		this.settings = settings;
		this.keyset = keyset;
		this.writer = writer;
		this.store = store;
		this.rewrapper = rewrapper;
		this.context = context;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void run(ApplicationArguments args) throws GeneralSecurityException {
		KeysetCommand command = this.settings.command();
		if (command == null) {
			return;
		}
		switch (command) {
			case LIST_KEYS -> listKeys();
			case ADD_KEY -> addKey();
			case PROMOTE_KEY -> promoteKey();
			case DELETE_KEY -> deleteKey();
			case REWRAP -> rewrap();
		}
		// Done: close the context, which stops the database pool and the embedded database
		// and lets the JVM end. A failed command never gets here; Spring Boot closes the
		// context and the process ends with exit code 1.
		SpringApplication.exit(this.context);
	}

	private void listKeys() {
		Map<Long, Long> usage = liveDataKeysPerKek();
		KeysetHandle handle = this.keyset.handle();
		for (int i = 0; i < handle.size(); i++) {
			KeysetHandle.Entry entry = handle.getAt(i);
			long id = Integer.toUnsignedLong(entry.getId());
			long dataKeys = usage.getOrDefault(id, 0L);
			log.atInfo()
				.addKeyValue("kekKeyId", id)
				.addKeyValue("status", entry.getStatus().toString())
				.addKeyValue("primary", entry.isPrimary())
				.addKeyValue("dataKeys", dataKeys)
				.log("KEK key {}: {}{}, wraps {} live data keys", id, entry.getStatus(),
						(entry.isPrimary()) ? ", primary" : "", dataKeys);
		}
	}

	private void addKey() throws GeneralSecurityException {
		KeysetHandle current = this.keyset.handle();
		KeysetHandle updated = KeysetHandle.newBuilder(current)
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
				.withRandomId()
				.setStatus(KeyStatus.ENABLED))
			.build();
		long added = Integer.toUnsignedLong(updated.getAt(updated.size() - 1).getId());
		this.writer.replace(this.keyset, updated);
		log.atInfo()
			.addKeyValue("kekKeyId", added)
			.log("Added KEK key {} to {} (enabled, not primary). Next: give every instance this keyset and restart "
					+ "them, then run --enclave.privacy.command=promote-key --enclave.privacy.key-id={}", added,
					this.keyset.origin(), added);
	}

	private void promoteKey() throws GeneralSecurityException {
		long keyId = requiredKeyId("promote-key");
		KeysetHandle current = this.keyset.handle();
		int index = indexOf(current, keyId);
		if (current.getAt(index).getStatus() != KeyStatus.ENABLED) {
			throw new IllegalStateException("KEK key " + keyId + " is " + current.getAt(index).getStatus()
					+ "; only an enabled key can become primary");
		}
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
		builder.getAt(index).makePrimary();
		this.writer.replace(this.keyset, builder.build());
		log.atInfo()
			.addKeyValue("kekKeyId", keyId)
			.log("KEK key {} is now the primary of {}. Next: give every instance this keyset and restart them, then "
					+ "run --enclave.privacy.command=rewrap", keyId, this.keyset.origin());
	}

	/**
	 * Removes a retired key, once no live data key depends on it. Backups taken while it
	 * was in use hold data keys only it can unwrap: deleting it (from every copy of the
	 * keyset) is what makes conversations shredded since then unreadable in those backups too.
	 */
	private void deleteKey() throws GeneralSecurityException {
		long keyId = requiredKeyId("delete-key");
		KeysetHandle current = this.keyset.handle();
		int index = indexOf(current, keyId);
		if (current.getAt(index).isPrimary()) {
			throw new IllegalStateException("KEK key " + keyId + " is the primary; promote another key first");
		}
		long wrapped = liveDataKeysPerKek().getOrDefault(keyId, 0L);
		if (wrapped > 0) {
			throw new IllegalStateException(
					"KEK key " + keyId + " still wraps " + wrapped + " live data keys; run rewrap first");
		}
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
		builder.deleteAt(index);
		this.writer.replace(this.keyset, builder.build());
		log.atInfo()
			.addKeyValue("kekKeyId", keyId)
			.log("Deleted KEK key {} from {}. Data keys it wrapped, in older backups for example, can no longer be "
					+ "unwrapped with this keyset", keyId, this.keyset.origin());
	}

	private void rewrap() {
		RewrapReport report = this.rewrapper.rewrapAll().block(REWRAP_LIMIT);
		if (report != null && report.failed() > 0) {
			throw new IllegalStateException(report.failed() + " data keys could not be unwrapped with this keyset; "
					+ "their KEK keys are missing (see the warnings above)");
		}
	}

	private long requiredKeyId(String command) {
		Long keyId = this.settings.keyId();
		if (keyId == null) {
			throw new IllegalArgumentException(command + " needs --enclave.privacy.key-id=<id> (see list-keys)");
		}
		return keyId;
	}

	/** Runs on the main thread at start, never on an event loop, so it may block. */
	private Map<Long, Long> liveDataKeysPerKek() {
		Map<Long, Long> usage = this.store.liveKeysPerKek()
			.collectMap(DataKeyStore.KeyUsage::kekKeyId, DataKeyStore.KeyUsage::dataKeys)
			.block(Duration.ofMinutes(5));
		return (usage != null) ? usage : Map.of();
	}

	private static int indexOf(KeysetHandle keyset, long keyId) {
		List<Long> known = new ArrayList<>();
		for (int i = 0; i < keyset.size(); i++) {
			long id = Integer.toUnsignedLong(keyset.getAt(i).getId());
			if (id == keyId) {
				return i;
			}
			known.add(id);
		}
		throw new IllegalArgumentException("The keyset has no key " + keyId + "; known keys: " + known);
	}

}
