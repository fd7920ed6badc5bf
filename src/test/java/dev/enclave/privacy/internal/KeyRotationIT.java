package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.DataKeyRewrapper.RewrapReport;
import dev.enclave.privacy.DataKeyUnavailableException;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Key rotation, step by step, on the installation's own keyset and the real database, the
 * way an operator does it: a new key is added (not primary) and distributed, then made
 * primary, then every data key is re-wrapped. Each "restart" is a fresh set of components
 * (empty key cache) built on the changed keyset. Afterwards every data key is moved back, so
 * the running application can read them again.
 */
class KeyRotationIT extends EnclaveIT {

	@Autowired
	DatabaseClient db;

	private DataKeysTable table;

	@Autowired
	LoadedKeyset installed;

	@Autowired
	Clock clock;

	private final TenantId tenant = new TenantId(UUID.randomUUID());

	private KeysetHandle rotated;

	@BeforeEach
	void table() {
		this.table = new DataKeysTable(this.db);
	}

	@Test
	void oldDataStaysReadableAndReWrapMovesEveryDataKeyToTheNewPrimary() throws Exception {
		KeysetHandle original = this.installed.handle();
		long oldPrimary = id(original.getPrimary());
		Map<ContentRef, byte[]> saved = new LinkedHashMap<>();
		Instance before = new Instance(original);
		for (int i = 0; i < 5; i++) {
			ContentRef ref = new ContentRef(this.tenant, ConversationId.random(), UUID.randomUUID(), "content");
			saved.put(ref, before.cipher.seal(ref, "message " + i).block());
		}

		// 1. The new key is added and distributed, but not primary: nothing changes for data.
		KeysetHandle distributed = KeysetHandle.newBuilder(original)
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
				.withRandomId()
				.setStatus(KeyStatus.ENABLED))
			.build();
		long newKey = id(distributed.getAt(distributed.size() - 1));
		Instance withNewKey = new Instance(distributed);
		assertReadable(withNewKey, saved);
		ConversationId sealedBeforePromotion = sealNew(withNewKey);
		assertThat(kekOf(sealedBeforePromotion)).as("still wrapped by the old primary").isEqualTo(oldPrimary);

		// 2. The new key becomes primary: old data keys stay readable, new ones use the new key.
		KeysetHandle.Builder promoting = KeysetHandle.newBuilder(distributed);
		promoting.getAt(distributed.size() - 1).makePrimary();
		this.rotated = promoting.build();
		Instance promoted = new Instance(this.rotated);
		assertReadable(promoted, saved);
		assertThat(kekOf(sealNew(promoted))).isEqualTo(newKey);
		assertThat(this.table.liveNotWrappedBy(newKey)).as("old data keys wait for the re-wrap").isPositive();

		// 3. Re-wrap: every live data key in the table is now wrapped by the new primary.
		RewrapReport report = promoted.rewrapper.rewrapAll().block();
		assertThat(report.primaryKeyId()).isEqualTo(newKey);
		assertThat(report.failed()).isZero();
		assertThat(report.rewrapped()).isGreaterThanOrEqualTo(saved.size() + 1);
		assertThat(this.table.liveNotWrappedBy(newKey)).isZero();
		assertThat(promoted.rewrapper.rewrapAll().block().rewrapped()).as("a second run has nothing to do").isZero();

		// 4. Proof: without the old key at all, everything still opens.
		KeysetHandle.Builder retiring = KeysetHandle.newBuilder(this.rotated);
		retiring.deleteAt(indexOf(this.rotated, oldPrimary));
		Instance oldKeyGone = new Instance(retiring.build());
		assertReadable(oldKeyGone, saved);

		// And the other way round: with only the old key, re-wrapped data keys are out of reach.
		Instance oldKeyOnly = new Instance(original);
		ContentRef any = saved.keySet().iterator().next();
		assertThatThrownBy(() -> oldKeyOnly.cipher.open(any, saved.get(any)).block())
			.isInstanceOf(DataKeyUnavailableException.class);
	}

	/** Moves every data key back to the installed primary, which the application still uses. */
	@AfterEach
	void moveBack() throws GeneralSecurityException {
		if (this.rotated == null) {
			return;
		}
		KeysetHandle.Builder back = KeysetHandle.newBuilder(this.rotated);
		back.getAt(indexOf(this.rotated, id(this.installed.handle().getPrimary()))).makePrimary();
		RewrapReport report = new Instance(back.build()).rewrapper.rewrapAll().block();
		assertThat(report.failed()).isZero();
		assertThat(this.table.liveNotWrappedBy(id(this.installed.handle().getPrimary()))).isZero();
	}

	private ConversationId sealNew(Instance instance) {
		ConversationId conversation = ConversationId.random();
		instance.cipher.seal(new ContentRef(this.tenant, conversation, UUID.randomUUID(), "content"), "new").block();
		return conversation;
	}

	private static void assertReadable(Instance instance, Map<ContentRef, byte[]> saved) {
		List<String> opened = new ArrayList<>();
		saved.forEach((ref, ciphertext) -> opened.add(instance.cipher.open(ref, ciphertext).block()));
		assertThat(opened).containsExactly("message 0", "message 1", "message 2", "message 3", "message 4");
	}

	private long kekOf(ConversationId conversation) {
		return this.db.sql("SELECT kek_key_id FROM data_keys WHERE conversation_id = :c")
			.bind("c", conversation.value())
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

	private static long id(KeysetHandle.Entry entry) {
		return Integer.toUnsignedLong(entry.getId());
	}

	private static int indexOf(KeysetHandle keyset, long keyId) {
		for (int i = 0; i < keyset.size(); i++) {
			if (id(keyset.getAt(i)) == keyId) {
				return i;
			}
		}
		throw new IllegalArgumentException("no key " + keyId);
	}

	/** What one Enclave process builds from a keyset at start. */
	private final class Instance {

		final ContentCipher cipher;

		final KekRewrapper rewrapper;

		Instance(KeysetHandle keyset) {
			TinkKeysetKek kek = new TinkKeysetKek(keyset);
			DataKeyStore store = new DataKeyStore(KeyRotationIT.this.db);
			this.cipher = new EnvelopeContentCipher(
					new ConversationKeys(store, kek, KeyRotationIT.this.clock, Duration.ofMinutes(5), 1000));
			this.rewrapper = new KekRewrapper(store, kek);
		}

	}

}
