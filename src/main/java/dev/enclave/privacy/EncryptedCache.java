package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.util.Optional;

/**
 * An in-memory cache for content such as prompts and model answers that never holds it in
 * readable form. The lookup key (a prompt, say) is replaced by its HMAC-SHA256 under a key
 * derived for the tenant, so neither the map nor a heap dump contains it, and tenants cannot
 * probe each other's entries. Values are sealed with AES-256-GCM, bound to cache, tenant,
 * conversation and key. Entries expire after the configured time to live and the cache is
 * bounded in size. Hits, misses and evictions are published as Micrometer metrics tagged
 * with the cache name only.
 */
public interface EncryptedCache {

	/** The name the cache was created with; its metrics carry it as the {@code cache} tag. */
	String name();

	/** The cached value for {@code key} in {@code scope}, if present and not expired. */
	Optional<String> get(CacheScope scope, String key);

	/** Caches {@code value} for {@code key} in {@code scope}, replacing any earlier value. */
	void put(CacheScope scope, String key, String value);

	/** Removes every entry of the tenant, conversation-scoped ones included. */
	void evictTenant(TenantId tenant);

	/** Removes every entry scoped to the conversation. */
	void evictConversation(ConversationId conversation);

}
