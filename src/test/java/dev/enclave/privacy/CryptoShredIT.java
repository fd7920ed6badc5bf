package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Crypto-shredding against the real database: what is gone stays gone. */
class CryptoShredIT extends EnclaveIT {

	@Autowired
	ContentCipher cipher;

	@Autowired
	CryptoShredder shredder;

	@Autowired
	EncryptedCaches caches;

	@Autowired
	DatabaseClient db;

	@Autowired
	ConfigurableApplicationContext context;

	private final TenantId tenant = new TenantId(UUID.randomUUID());

	private final ConversationId conversation = ConversationId.random();

	private final List<ConversationKeyShredded> published = new CopyOnWriteArrayList<>();

	private final ApplicationListener<ApplicationEvent> listener = (event) -> {
		if (event instanceof PayloadApplicationEvent<?> payload
				&& payload.getPayload() instanceof ConversationKeyShredded shredded) {
			this.published.add(shredded);
		}
	};

	@BeforeEach
	void listen() {
		this.context.addApplicationListener(this.listener);
	}

	@AfterEach
	void stopListening() {
		this.context.removeApplicationListener(this.listener);
	}

	@Test
	void afterShredASavedCiphertextNeverOpensAgain() {
		ContentRef ref = new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), "content");
		byte[] saved = this.cipher.seal(ref, "请删除我的数据 zhang.san@example.com").block();
		assertThat(this.cipher.open(ref, saved).block()).as("readable before, key cached").isNotBlank();

		ConversationKeyShredded shredded = this.shredder.shred(this.tenant, this.conversation).block();

		assertThat(shredded.tenant()).isEqualTo(this.tenant);
		assertThat(shredded.conversation()).isEqualTo(this.conversation);
		assertThatThrownBy(() -> this.cipher.open(ref, saved).block()).as("the cached key was dropped too")
			.isInstanceOf(ConversationShreddedException.class)
			.hasMessageContaining(this.conversation.toString());
		DataKeyState row = row();
		assertThat(row.wrappedKey()).as("nothing left for the KEK to unwrap").isNull();
		assertThat(row.destroyed()).isTrue();
		assertThatThrownBy(() -> this.cipher.seal(ref, "new content").block()).as("no new key, ever")
			.isInstanceOf(ConversationShreddedException.class);
	}

	@Test
	void publishesOneContentFreeEventForTheAuditLog() {
		ContentRef ref = new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), "content");
		this.cipher.seal(ref, "secret").block();

		ConversationKeyShredded first = this.shredder.shred(this.tenant, this.conversation).block();
		ConversationKeyShredded again = this.shredder.shred(this.tenant, this.conversation).block();

		assertThat(again).as("shredding twice reports the first shred").isEqualTo(first);
		assertThat(this.published).as("published before shred() completes").containsExactly(first);
		assertThat(first.toString()).doesNotContain("secret");
	}

	@Test
	void aConversationShreddedBeforeItsFirstMessageNeverGetsAKey() {
		this.shredder.shred(this.tenant, this.conversation).block();
		ContentRef ref = new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), "content");
		assertThatThrownBy(() -> this.cipher.seal(ref, "late message").block())
			.isInstanceOf(ConversationShreddedException.class);
		assertThat(row().destroyed()).isTrue();
	}

	@Test
	void purgesTheConversationFromEncryptedCaches() {
		EncryptedCache cache = this.caches.create("shred-it-" + UUID.randomUUID().toString().substring(0, 8));
		ConversationId other = ConversationId.random();
		cache.put(CacheScope.conversation(this.tenant, this.conversation), "prompt", "answer");
		cache.put(CacheScope.conversation(this.tenant, other), "prompt", "answer");

		this.shredder.shred(this.tenant, this.conversation).block();

		assertThat(cache.get(CacheScope.conversation(this.tenant, this.conversation), "prompt")).isEmpty();
		assertThat(cache.get(CacheScope.conversation(this.tenant, other), "prompt")).contains("answer");
	}

	@Test
	void anotherTenantCannotShredTheConversation() {
		ContentRef ref = new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), "content");
		byte[] saved = this.cipher.seal(ref, "mine").block();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.shredder.shred(new TenantId(UUID.randomUUID()), this.conversation).block())
			.withMessageContaining("another tenant");
		assertThat(this.cipher.open(ref, saved).block()).isEqualTo("mine");
		assertThat(row().destroyed()).isFalse();
	}

	private DataKeyState row() {
		return this.db.sql("SELECT wrapped_key, destroyed_at FROM data_keys WHERE conversation_id = :c")
			.bind("c", this.conversation.value())
			.map((row) -> new DataKeyState(row.get("wrapped_key", byte[].class), row.get("destroyed_at") != null))
			.one()
			.block();
	}

	private record DataKeyState(byte[] wrappedKey, boolean destroyed) {
	}

}
