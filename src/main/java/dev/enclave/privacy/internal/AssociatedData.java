package dev.enclave.privacy.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * The associated data bound to each kind of ciphertext. Each starts with its own versioned
 * context, so a ciphertext of one kind never opens as another, followed by fixed-width ids
 * and at most one variable-length part at the end: there is exactly one way to read the
 * bytes back, so two different places can never share associated data.
 */
final class AssociatedData {

	private static final byte[] CONTENT = context("enclave.content.v1");

	private static final byte[] DATA_KEY = context("enclave.data-key.v1");

	private static final byte[] CACHE_ENTRY = context("enclave.cache-entry.v1");

	private static final byte[] CACHE_KEY = context("enclave.cache-key.v1");

	private static final UUID NO_CONVERSATION = new UUID(0, 0);

	private AssociatedData() {
	}

	/** Binds content to tenant, conversation, row and field. */
	static byte[] content(ContentRef ref) {
		byte[] field = ref.field().getBytes(StandardCharsets.US_ASCII);
		return ByteBuffer.allocate(CONTENT.length + 48 + field.length)
			.put(CONTENT)
			.put(uuid(ref.tenant().value()))
			.put(uuid(ref.conversation().value()))
			.put(uuid(ref.rowId()))
			.put(field)
			.array();
	}

	/** Binds a wrapped data key to its row, tenant and conversation. */
	static byte[] dataKey(UUID dataKeyId, TenantId tenant, ConversationId conversation) {
		return ByteBuffer.allocate(DATA_KEY.length + 48)
			.put(DATA_KEY)
			.put(uuid(dataKeyId))
			.put(uuid(tenant.value()))
			.put(uuid(conversation.value()))
			.array();
	}

	/** Binds a cached value to its cache, tenant, conversation and hashed key. */
	static byte[] cacheEntry(String cache, TenantId tenant, @Nullable ConversationId conversation, byte[] digest) {
		byte[] name = cache.getBytes(StandardCharsets.US_ASCII);
		return ByteBuffer.allocate(CACHE_ENTRY.length + 32 + digest.length + name.length)
			.put(CACHE_ENTRY)
			.put(uuid(tenant.value()))
			.put(uuid((conversation != null) ? conversation.value() : NO_CONVERSATION))
			.put(digest)
			.put(name)
			.array();
	}

	/**
	 * The message whose HMAC is a cache key: the cache name (length-prefixed), the
	 * conversation, then the caller's key. The tenant is in the HMAC key itself.
	 */
	static byte[] cacheKey(String cache, @Nullable ConversationId conversation, String key) {
		byte[] name = cache.getBytes(StandardCharsets.US_ASCII);
		byte[] text = key.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(CACHE_KEY.length + 1 + name.length + 16 + text.length)
			.put(CACHE_KEY)
			.put((byte) name.length)
			.put(name)
			.put(uuid((conversation != null) ? conversation.value() : NO_CONVERSATION))
			.put(text)
			.array();
	}

	private static byte[] context(String name) {
		byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
		return ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) 0).array();
	}

	private static byte[] uuid(UUID uuid) {
		return ByteBuffer.allocate(16)
			.putLong(uuid.getMostSignificantBits())
			.putLong(uuid.getLeastSignificantBits())
			.array();
	}

}
