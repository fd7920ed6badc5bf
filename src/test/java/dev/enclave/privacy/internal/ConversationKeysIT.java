package dev.enclave.privacy.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.privacy.DataKeyUnavailableException;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data keys shared by several replicas through the real database. */
class ConversationKeysIT extends EnclaveIT {

	@Autowired
	DatabaseClient db;

	@Autowired
	TinkKeysetKek kek;

	@Autowired
	ContentCipher applicationCipher;

	@Autowired
	CryptoShredder shredder;

	@Autowired
	Clock clock;

	@Test
	void replicasRacingOnAConversationsFirstMessageAgreeOnOneKey() {
		TenantId tenant = new TenantId(UUID.randomUUID());
		ConversationId conversation = ConversationId.random();
		List<ContentCipher> replicas = List.of(replica(), replica(), replica(), this.applicationCipher);
		ContentRef ref = new ContentRef(tenant, conversation, UUID.randomUUID(), "content");

		List<byte[]> sealed = Flux.fromIterable(replicas)
			.flatMap((replica) -> replica.seal(ref, "first message").subscribeOn(Schedulers.parallel()))
			.collectList()
			.block();

		for (byte[] ciphertext : sealed) {
			for (ContentCipher replica : replicas) {
				assertThat(replica.open(ref, ciphertext).block()).isEqualTo("first message");
			}
		}
		assertThat(this.db.sql("SELECT count(*) FROM data_keys WHERE conversation_id = :c")
			.bind("c", conversation.value())
			.map((row) -> row.get(0, Long.class))
			.one()
			.block()).isOne();
	}

	@Test
	void anotherInstallationsKeysetCannotUnwrapOurDataKeys() throws Exception {
		TenantId tenant = new TenantId(UUID.randomUUID());
		ContentRef ref = new ContentRef(tenant, ConversationId.random(), UUID.randomUUID(), "content");
		byte[] ciphertext = this.applicationCipher.seal(ref, "ours").block();

		ContentCipher foreign = new EnvelopeContentCipher(new ConversationKeys(new DataKeyStore(this.db),
				new TinkKeysetKek(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)), this.clock,
				Duration.ofMinutes(5), 100));
		assertThatThrownBy(() -> foreign.open(ref, ciphertext).block()).isInstanceOf(DataKeyUnavailableException.class)
			.hasMessageContaining(ref.conversation().toString());
		this.shredder.shred(tenant, ref.conversation()).block();
	}

	private ContentCipher replica() {
		return new EnvelopeContentCipher(new ConversationKeys(new DataKeyStore(this.db), this.kek, this.clock,
				Duration.ofMinutes(5), 100));
	}

}
