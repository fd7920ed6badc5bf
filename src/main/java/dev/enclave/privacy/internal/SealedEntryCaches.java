package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.EncryptedCaches;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Creates the application's encrypted caches. The value key and the HMAC root are generated
 * when the process starts and never leave memory: the caches die with the process, so there
 * is nothing to restore them for. Each cache reports Caffeine's standard metrics
 * ({@code cache.gets} with {@code result=hit|miss}, {@code cache.evictions}, {@code cache.size},
 * {@code cache.puts}) tagged with its name only.
 */
final class SealedEntryCaches implements EncryptedCaches {

	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");

	private final Duration ttl;

	private final long maxSize;

	private final MeterRegistry registry;

	private final Ticker ticker;

	private final TenantKeyedHmac hmac = new TenantKeyedHmac();

	private final Aead aead;

	private final Map<String, SealedEntryCache> caches = new ConcurrentHashMap<>();

	SealedEntryCaches(Duration ttl, long maxSize, MeterRegistry registry, Ticker ticker) {
		TinkRegistration.ensure();
		this.ttl = ttl;
		this.maxSize = maxSize;
		this.registry = registry;
		this.ticker = ticker;
		try {
			this.aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
				.getPrimitive(RegistryConfiguration.get(), Aead.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create the cache value key", ex);
		}
	}

	@Override
	public SealedEntryCache create(String name) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("A cache name is lower case letters, digits, '_', '.' or '-'");
		}
		return this.caches.compute(name, (key, existing) -> {
			if (existing != null) {
				throw new IllegalStateException("An encrypted cache named '" + name + "' exists already");
			}
			Cache<SealedEntryCache.EntryKey, byte[]> entries = Caffeine.newBuilder()
				.maximumSize(this.maxSize)
				.expireAfterWrite(this.ttl)
				.ticker(this.ticker)
				.recordStats()
				.build();
			CaffeineCacheMetrics.monitor(this.registry, entries, name, Tags.empty());
			return new SealedEntryCache(name, entries, this.hmac, this.aead, this.registry);
		});
	}

	@Override
	public void evictTenant(TenantId tenant) {
		this.caches.values().forEach((cache) -> cache.evictTenant(tenant));
	}

	@Override
	public void evictConversation(ConversationId conversation) {
		this.caches.values().forEach((cache) -> cache.evictConversation(conversation));
	}

}
