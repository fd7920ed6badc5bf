package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.google.crypto.tink.Aead;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.privacy.CacheScope;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.EncryptedCache;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EncryptedCache} over Caffeine: the map holds the tenant and conversation ids (to
 * purge by them), the HMAC of the lookup key, and the AEAD ciphertext of the value. Nothing
 * the caller passed in is kept in readable form.
 */
final class SealedEntryCache implements EncryptedCache {

	private final String name;

	private final Cache<EntryKey, byte[]> entries;

	private final TenantKeyedHmac hmac;

	private final Aead aead;

	private final Counter tenantPurges;

	private final Counter conversationPurges;

	SealedEntryCache(String name, Cache<EntryKey, byte[]> entries, TenantKeyedHmac hmac, Aead aead,
			MeterRegistry registry) {
		this.name = name;
		this.entries = entries;
		this.hmac = hmac;
		this.aead = aead;
		this.tenantPurges = purges(registry, name, "tenant");
		this.conversationPurges = purges(registry, name, "conversation");
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public Optional<String> get(CacheScope scope, String key) {
		EntryKey entryKey = entryKey(scope, key);
		byte[] sealed = this.entries.getIfPresent(entryKey);
		if (sealed == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(new String(this.aead.decrypt(sealed, associatedData(entryKey)), StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			// Cannot happen unless memory was corrupted; a cache may always answer "not here".
			this.entries.invalidate(entryKey);
			return Optional.empty();
		}
	}

	@Override
	public void put(CacheScope scope, String key, String value) {
		EntryKey entryKey = entryKey(scope, key);
		try {
			this.entries.put(entryKey,
					this.aead.encrypt(value.getBytes(StandardCharsets.UTF_8), associatedData(entryKey)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption failed", ex);
		}
	}

	@Override
	public void evictTenant(TenantId tenant) {
		this.tenantPurges.increment(purge((entry) -> entry.tenant().equals(tenant)));
	}

	@Override
	public void evictConversation(ConversationId conversation) {
		this.conversationPurges.increment(purge((entry) -> conversation.equals(entry.conversation())));
	}

	/** Runs pending expiry and size evictions now; tests use it to observe them. */
	void cleanUp() {
		this.entries.cleanUp();
	}

	long estimatedSize() {
		return this.entries.estimatedSize();
	}

	private int purge(Predicate<EntryKey> matches) {
		int[] purged = { 0 };
		this.entries.asMap().keySet().removeIf((entry) -> {
			boolean match = matches.test(entry);
			if (match) {
				purged[0]++;
			}
			return match;
		});
		return purged[0];
	}

	private EntryKey entryKey(CacheScope scope, String key) {
		byte[] digest = this.hmac.digest(scope.tenant(), AssociatedData.cacheKey(this.name, scope.conversation(), key));
		return new EntryKey(scope.tenant(), scope.conversation(), Base64.getEncoder().withoutPadding().encodeToString(digest));
	}

	private byte[] associatedData(EntryKey entryKey) {
		return AssociatedData.cacheEntry(this.name, entryKey.tenant(), entryKey.conversation(),
				Base64.getDecoder().decode(entryKey.digest()));
	}

	private static Counter purges(MeterRegistry registry, String cache, String scope) {
		return Counter.builder(EnclaveMeter.CACHE_PURGES.getName())
			.description(EnclaveMeter.CACHE_PURGES.description())
			.tag(EnclaveMeter.Tags.CACHE.asString(), cache)
			.tag(EnclaveMeter.Tags.SCOPE.asString(), scope)
			.register(registry);
	}

	/**
	 * The map key: ids to purge by, and the HMAC of the caller's key.
	 *
	 * @param tenant the owning tenant
	 * @param conversation the owning conversation, or {@code null} for tenant-wide entries
	 * @param digest base64 of HMAC-SHA256(tenant key, cache name, conversation, key)
	 */
	record EntryKey(TenantId tenant, @Nullable ConversationId conversation, String digest) {
	}

}
