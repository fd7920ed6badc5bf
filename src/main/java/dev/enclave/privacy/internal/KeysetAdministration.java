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

/**
 * What the operator's {@code keys} commands do to the key-encryption keyset. Rotation
 * follows Tink's rule that a key is known to every instance before it becomes primary:
 * {@code add}, restart every instance, {@code promote}, restart every instance,
 * {@code rewrap}; later, {@code delete} retires the old key.
 *
 * <p>The commands run once on the command line's main thread, never on an event loop, so
 * they may block.
 */
public final class KeysetAdministration {

	private static final Duration QUERY_LIMIT = Duration.ofMinutes(5);

	private static final Duration REWRAP_LIMIT = Duration.ofHours(12);

	private final LoadedKeyset keyset;

	private final KeysetFileWriter writer;

	private final DataKeyStore store;

	private final DataKeyRewrapper rewrapper;

	KeysetAdministration(LoadedKeyset keyset, KeysetFileWriter writer, DataKeyStore store, DataKeyRewrapper rewrapper) {
		this.keyset = keyset;
		this.writer = writer;
		this.store = store;
		this.rewrapper = rewrapper;
	}

	/** One key of the keyset and how many live data keys it wraps. */
	public record KeyInfo(long id, String status, boolean primary, long dataKeys) {
	}

	/** Where the keyset comes from: its file, or {@code ENCLAVE_KEYSET}. */
	public String origin() {
		return this.keyset.origin();
	}

	public List<KeyInfo> list() {
		Map<Long, Long> usage = liveDataKeysPerKek();
		KeysetHandle handle = this.keyset.handle();
		List<KeyInfo> keys = new ArrayList<>();
		for (int i = 0; i < handle.size(); i++) {
			KeysetHandle.Entry entry = handle.getAt(i);
			long id = Integer.toUnsignedLong(entry.getId());
			keys.add(new KeyInfo(id, entry.getStatus().toString(), entry.isPrimary(), usage.getOrDefault(id, 0L)));
		}
		return keys;
	}

	/** Adds a new AES-256-GCM key, enabled but not primary, and returns its id. */
	public long add() throws GeneralSecurityException {
		KeysetHandle current = this.keyset.handle();
		KeysetHandle updated = KeysetHandle.newBuilder(current)
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
				.withRandomId()
				.setStatus(KeyStatus.ENABLED))
			.build();
		long added = Integer.toUnsignedLong(updated.getAt(updated.size() - 1).getId());
		this.writer.replace(this.keyset, updated);
		return added;
	}

	public void promote(long keyId) throws GeneralSecurityException {
		KeysetHandle current = this.keyset.handle();
		int index = indexOf(current, keyId);
		if (current.getAt(index).getStatus() != KeyStatus.ENABLED) {
			throw new IllegalStateException("KEK key " + keyId + " is " + current.getAt(index).getStatus()
					+ "; only an enabled key can become primary");
		}
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
		builder.getAt(index).makePrimary();
		this.writer.replace(this.keyset, builder.build());
	}

	/**
	 * Removes a retired key, once no live data key depends on it. Backups taken while it
	 * was in use hold data keys only it can unwrap: deleting it (from every copy of the
	 * keyset) is what makes conversations shredded since then unreadable in those backups too.
	 */
	public void delete(long keyId) throws GeneralSecurityException {
		KeysetHandle current = this.keyset.handle();
		int index = indexOf(current, keyId);
		if (current.getAt(index).isPrimary()) {
			throw new IllegalStateException("KEK key " + keyId + " is the primary; promote another key first");
		}
		long wrapped = liveDataKeysPerKek().getOrDefault(keyId, 0L);
		if (wrapped > 0) {
			throw new IllegalStateException(
					"KEK key " + keyId + " still wraps " + wrapped + " live data keys; run keys rewrap first");
		}
		KeysetHandle.Builder builder = KeysetHandle.newBuilder(current);
		builder.deleteAt(index);
		this.writer.replace(this.keyset, builder.build());
	}

	/** Re-wraps every live data key with the primary. */
	public RewrapReport rewrap() {
		RewrapReport report = this.rewrapper.rewrapAll().block(REWRAP_LIMIT);
		if (report == null) {
			throw new IllegalStateException("The re-wrap ended without a report");
		}
		if (report.failed() > 0) {
			throw new IllegalStateException(report.failed() + " data keys could not be unwrapped with this keyset; "
					+ "their KEK keys are missing");
		}
		return report;
	}

	private Map<Long, Long> liveDataKeysPerKek() {
		Map<Long, Long> usage = this.store.liveKeysPerKek()
			.collectMap(DataKeyStore.KeyUsage::kekKeyId, DataKeyStore.KeyUsage::dataKeys)
			.block(QUERY_LIMIT);
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
