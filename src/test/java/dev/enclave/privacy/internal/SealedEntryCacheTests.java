package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.CacheScope;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.EncryptedCache;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The encrypted cache: scoping, expiry, bounds, purges, metrics, and what it holds. */
class SealedEntryCacheTests {

	private static final String PROMPT = "我的手机号是13812345678，请帮我查订单";

	private static final String ANSWER = "您的订单已发货，快递单号 SF1234567890";

	private final TenantId tenant = new TenantId(UUID.randomUUID());

	private final TenantId otherTenant = new TenantId(UUID.randomUUID());

	private final FakeTicker ticker = new FakeTicker();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final SealedEntryCaches caches = new SealedEntryCaches(Duration.ofMinutes(10), 100, this.registry,
			this.ticker);

	@Test
	void returnsWhatWasPutForTheSameScopeAndKeyOnly() {
		EncryptedCache cache = this.caches.create("responses");
		ConversationId conversation = ConversationId.random();
		cache.put(CacheScope.tenant(this.tenant), PROMPT, ANSWER);
		cache.put(CacheScope.conversation(this.tenant, conversation), PROMPT, "conversation answer");

		assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT)).contains(ANSWER);
		assertThat(cache.get(CacheScope.conversation(this.tenant, conversation), PROMPT)).contains("conversation answer");
		assertThat(cache.get(CacheScope.tenant(this.otherTenant), PROMPT)).as("another tenant").isEmpty();
		assertThat(cache.get(CacheScope.conversation(this.tenant, ConversationId.random()), PROMPT))
			.as("another conversation")
			.isEmpty();
		assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT + " ")).as("another key").isEmpty();
		EncryptedCache other = this.caches.create("prompts");
		assertThat(other.get(CacheScope.tenant(this.tenant), PROMPT)).as("another cache").isEmpty();
	}

	@Test
	void holdsNeitherTheKeyNorTheValueInReadableForm() throws Exception {
		Cache<SealedEntryCache.EntryKey, byte[]> entries = Caffeine.newBuilder().build();
		Aead aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
			.getPrimitive(RegistryConfiguration.get(), Aead.class);
		SealedEntryCache cache = new SealedEntryCache("responses", entries, new TenantKeyedHmac(), aead, this.registry);
		cache.put(CacheScope.tenant(this.tenant), PROMPT, ANSWER);

		assertThat(entries.asMap()).hasSize(1);
		entries.asMap().forEach((key, value) -> {
			assertThat(key.toString()).doesNotContain(PROMPT).doesNotContain("13812345678");
			assertThat(key.digest()).hasSize(43);
			assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("SF1234567890").doesNotContain("订单");
			assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain("SF1234567890");
		});
		assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT)).contains(ANSWER);
	}

	@Test
	void derivesADifferentKeyForEveryTenant() {
		TenantKeyedHmac hmac = new TenantKeyedHmac();
		byte[] message = PROMPT.getBytes(StandardCharsets.UTF_8);
		assertThat(hmac.digest(this.tenant, message)).isEqualTo(hmac.digest(this.tenant, message))
			.isNotEqualTo(hmac.digest(this.otherTenant, message))
			.hasSize(32);
		assertThat(new TenantKeyedHmac().digest(this.tenant, message)).as("a new process, a new root")
			.isNotEqualTo(hmac.digest(this.tenant, message));
	}

	@Test
	void entriesExpireAfterTheirTimeToLive() {
		SealedEntryCache cache = this.caches.create("responses");
		cache.put(CacheScope.tenant(this.tenant), PROMPT, ANSWER);
		this.ticker.advance(Duration.ofMinutes(9));
		assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT)).contains(ANSWER);
		this.ticker.advance(Duration.ofMinutes(1).plusNanos(1));
		assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT)).isEmpty();
	}

	@Test
	void staysWithinItsMaximumSize() {
		SealedEntryCache cache = this.caches.create("responses");
		for (int i = 0; i < 500; i++) {
			cache.put(CacheScope.tenant(this.tenant), "prompt " + i, "answer " + i);
		}
		cache.cleanUp();
		assertThat(cache.estimatedSize()).isEqualTo(100);
		assertThat(this.registry.get("cache.evictions").tag("cache", "responses").functionCounter().count())
			.isEqualTo(400);
	}

	@Test
	void purgesATenantOrAConversation() {
		EncryptedCache responses = this.caches.create("responses");
		EncryptedCache prompts = this.caches.create("prompts");
		ConversationId conversation = ConversationId.random();
		ConversationId keep = ConversationId.random();
		for (EncryptedCache cache : new EncryptedCache[] { responses, prompts }) {
			cache.put(CacheScope.conversation(this.tenant, conversation), PROMPT, ANSWER);
			cache.put(CacheScope.conversation(this.tenant, keep), PROMPT, ANSWER);
			cache.put(CacheScope.tenant(this.tenant), PROMPT, ANSWER);
			cache.put(CacheScope.tenant(this.otherTenant), PROMPT, ANSWER);
		}

		this.caches.evictConversation(conversation);
		for (EncryptedCache cache : new EncryptedCache[] { responses, prompts }) {
			assertThat(cache.get(CacheScope.conversation(this.tenant, conversation), PROMPT)).isEmpty();
			assertThat(cache.get(CacheScope.conversation(this.tenant, keep), PROMPT)).contains(ANSWER);
			assertThat(cache.get(CacheScope.tenant(this.tenant), PROMPT)).contains(ANSWER);
		}

		responses.evictTenant(this.tenant);
		assertThat(responses.get(CacheScope.conversation(this.tenant, keep), PROMPT)).isEmpty();
		assertThat(responses.get(CacheScope.tenant(this.tenant), PROMPT)).isEmpty();
		assertThat(responses.get(CacheScope.tenant(this.otherTenant), PROMPT)).contains(ANSWER);
		assertThat(prompts.get(CacheScope.tenant(this.tenant), PROMPT)).as("only the cache asked").contains(ANSWER);

		assertThat(purges("responses", "conversation")).isEqualTo(1);
		assertThat(purges("responses", "tenant")).isEqualTo(2);
		assertThat(purges("prompts", "conversation")).isEqualTo(1);
	}

	@Test
	void countsHitsAndMissesTaggedWithTheCacheNameOnly() {
		EncryptedCache cache = this.caches.create("responses");
		cache.put(CacheScope.tenant(this.tenant), PROMPT, ANSWER);
		cache.get(CacheScope.tenant(this.tenant), PROMPT);
		cache.get(CacheScope.tenant(this.tenant), PROMPT);
		cache.get(CacheScope.tenant(this.tenant), "unknown");

		assertThat(this.registry.get("cache.gets").tags("cache", "responses", "result", "hit").functionCounter().count())
			.isEqualTo(2);
		assertThat(this.registry.get("cache.gets").tags("cache", "responses", "result", "miss").functionCounter().count())
			.isEqualTo(1);
		for (Meter meter : this.registry.getMeters()) {
			assertThat(meter.getId().getTags()).allSatisfy((tag) -> assertThat(tag.getValue())
				.doesNotContain(this.tenant.toString())
				.doesNotContain("13812345678"));
		}
	}

	@Test
	void refusesBadOrDuplicateNames() {
		this.caches.create("responses");
		assertThatIllegalStateException().isThrownBy(() -> this.caches.create("responses"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.caches.create("Responses For Tenant 42"));
	}

	private double purges(String cache, String scope) {
		return this.registry.get("enclave.cache.purges").tags("cache", cache, "scope", scope).counter().count();
	}

	/** Caffeine's clock, moved by the test instead of by waiting. */
	static final class FakeTicker implements Ticker {

		private final AtomicLong nanos = new AtomicLong();

		@Override
		public long read() {
			return this.nanos.get();
		}

		void advance(Duration duration) {
			this.nanos.addAndGet(duration.toNanos());
		}

	}

}
