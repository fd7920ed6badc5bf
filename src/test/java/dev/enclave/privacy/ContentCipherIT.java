package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Envelope encryption against the real database: round trips, tampering, and ciphertexts
 * moved to a place they were not sealed for.
 */
class ContentCipherIT extends EnclaveIT {

	private static final String SECRET = "客户张三的手机号 13812345678，地址：北京市朝阳区";

	@Autowired
	ContentCipher cipher;

	@Autowired
	DatabaseClient db;

	private final TenantId tenant = new TenantId(UUID.randomUUID());

	private final ConversationId conversation = ConversationId.random();

	@Test
	void sealsAndOpensAnyText() {
		for (String text : List.of("", "hello", SECRET, "emoji 🔐 and \u0000 nul", "x".repeat(200_000))) {
			ContentRef ref = message("content");
			byte[] ciphertext = this.cipher.seal(ref, text).block();
			assertThat(ciphertext).isNotNull();
			assertThat(this.cipher.open(ref, ciphertext).block()).isEqualTo(text);
		}
	}

	@Test
	void ciphertextsAreRandomizedAndHideThePlaintext() {
		ContentRef ref = message("content");
		byte[] first = this.cipher.seal(ref, SECRET).block();
		byte[] second = this.cipher.seal(ref, SECRET).block();
		assertThat(first).isNotEqualTo(second);
		assertThat(new String(first, StandardCharsets.UTF_8)).doesNotContain("13812345678");
		assertThat(indexOf(first, SECRET.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
	}

	@Test
	void tamperingWithAnyByteFails() {
		ContentRef ref = message("content");
		byte[] ciphertext = this.cipher.seal(ref, SECRET).block();
		for (int i = 0; i < ciphertext.length; i++) {
			byte[] tampered = ciphertext.clone();
			tampered[i] ^= 0x01;
			int index = i;
			assertThatThrownBy(() -> this.cipher.open(ref, tampered).block()).as("byte %d flipped", index)
				.isInstanceOf(ContentIntegrityException.class);
		}
		assertThatThrownBy(() -> this.cipher.open(ref, Arrays.copyOf(ciphertext, ciphertext.length - 1)).block())
			.isInstanceOf(ContentIntegrityException.class);
		assertThatThrownBy(() -> this.cipher.open(ref, Arrays.copyOf(ciphertext, ciphertext.length + 1)).block())
			.isInstanceOf(ContentIntegrityException.class);
		assertThatThrownBy(() -> this.cipher.open(ref, new byte[0]).block())
			.isInstanceOf(ContentIntegrityException.class);
	}

	@Test
	void aCiphertextOpensOnlyWhereItWasSealed() {
		ContentRef original = message("content");
		byte[] ciphertext = this.cipher.seal(original, SECRET).block();
		ContentRef otherConversation = new ContentRef(this.tenant, ConversationId.random(), original.rowId(), "content");
		this.cipher.seal(otherConversation, "gives the other conversation a key").block();

		List<ContentRef> elsewhere = List.of(
				new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), "content"),
				new ContentRef(this.tenant, this.conversation, original.rowId(), "title"),
				otherConversation,
				new ContentRef(new TenantId(UUID.randomUUID()), this.conversation, original.rowId(), "content"));
		for (ContentRef ref : elsewhere) {
			assertThatThrownBy(() -> this.cipher.open(ref, ciphertext).block()).as("%s", ref)
				.isInstanceOf(ContentIntegrityException.class)
				.hasMessageContaining("does not open")
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("13812345678").doesNotContain("张三"))
				.satisfies((ex) -> assertThat(((ContentIntegrityException) ex).ref()).isEqualTo(ref));
		}
		assertThat(this.cipher.open(original, ciphertext).block()).isEqualTo(SECRET);
	}

	@Test
	void anotherTenantCannotSealIntoTheConversation() {
		this.cipher.seal(message("content"), SECRET).block();
		ContentRef foreign = new ContentRef(new TenantId(UUID.randomUUID()), this.conversation, UUID.randomUUID(),
				"content");
		assertThatThrownBy(() -> this.cipher.seal(foreign, "intruder").block())
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("belongs to another tenant");
	}

	@Test
	void swappingCiphertextsBetweenRowsOrFieldsFails() {
		ContentRef rowA = message("content");
		ContentRef rowB = message("content");
		ContentRef titleA = new ContentRef(this.tenant, this.conversation, rowA.rowId(), "title");
		byte[] a = this.cipher.seal(rowA, "message A").block();
		byte[] b = this.cipher.seal(rowB, "message B").block();
		byte[] title = this.cipher.seal(titleA, "title A").block();

		assertThatThrownBy(() -> this.cipher.open(rowA, b).block()).isInstanceOf(ContentIntegrityException.class);
		assertThatThrownBy(() -> this.cipher.open(rowB, a).block()).isInstanceOf(ContentIntegrityException.class);
		assertThatThrownBy(() -> this.cipher.open(rowA, title).block()).isInstanceOf(ContentIntegrityException.class);
		assertThatThrownBy(() -> this.cipher.open(titleA, a).block()).isInstanceOf(ContentIntegrityException.class);
	}

	@Test
	void everyConversationGetsExactlyOneWrappedDataKey() {
		List<byte[]> sealed = Flux.range(0, 16)
			.flatMap((i) -> this.cipher.seal(message("content"), "concurrent first use " + i))
			.collectList()
			.block();
		assertThat(sealed).hasSize(16);

		List<DataKeyColumns> rows = this.db
			.sql("SELECT tenant_id, wrapped_key, kek_key_id, destroyed_at FROM data_keys WHERE conversation_id = :c")
			.bind("c", this.conversation.value())
			.map((row) -> new DataKeyColumns(row.get("tenant_id", UUID.class), row.get("wrapped_key", byte[].class),
					row.get("kek_key_id", Long.class), row.get("destroyed_at") != null))
			.all()
			.collectList()
			.block();
		assertThat(rows).singleElement().satisfies((row) -> {
			assertThat(row.tenant()).isEqualTo(this.tenant.value());
			assertThat(row.wrappedKey()).isNotEmpty();
			assertThat(row.kekKeyId()).isPositive();
			assertThat(row.destroyed()).isFalse();
		});
	}

	@Test
	void aConversationWithoutADataKeyOpensNothing() {
		ContentRef stranger = new ContentRef(this.tenant, ConversationId.random(), UUID.randomUUID(), "content");
		byte[] ciphertext = this.cipher.seal(message("content"), SECRET).block();
		assertThatThrownBy(() -> this.cipher.open(stranger, ciphertext).block())
			.isInstanceOf(ContentIntegrityException.class)
			.hasMessageContaining("no data key");
	}

	@Test
	void sealingTouchesTheDatabaseOnlyWhenSubscribed() {
		Mono<byte[]> sealing = this.cipher.seal(message("content"), SECRET);
		assertThat(dataKeys()).as("nothing happens on assembly").isZero();
		sealing.block();
		assertThat(dataKeys()).isOne();
	}

	private long dataKeys() {
		return this.db.sql("SELECT count(*) FROM data_keys WHERE conversation_id = :c")
			.bind("c", this.conversation.value())
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

	private ContentRef message(String field) {
		return new ContentRef(this.tenant, this.conversation, UUID.randomUUID(), field);
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private record DataKeyColumns(UUID tenant, byte[] wrappedKey, Long kekKeyId, boolean destroyed) {
	}

}
