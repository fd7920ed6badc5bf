package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enclave.privacy.BlindIndex;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.CachedLoads;
import dev.enclave.shared.TenantId;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The blind index with one random 256-bit HMAC key per tenant, created on first use. The key
 * is stored in {@code blind_index_keys} sealed by {@link ContentCipher} under a reserved key
 * conversation of the tenant (a name-based UUID, which random conversation ids never equal),
 * so it sits in the same key hierarchy as content: the KEK wraps that conversation's data
 * key, the re-wrap job moves it to a new primary, and nothing here is stored in clear. The
 * unsealed key stays in memory for the life of the process: digests are computed for every
 * title write and search.
 */
final class SealedBlindIndex implements BlindIndex {

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] CONTEXT = "enclave.blind-index.v1\0".getBytes(StandardCharsets.US_ASCII);

	private static final String FIELD = "blind_index_key";

	private final DatabaseClient db;

	private final ContentCipher cipher;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final AsyncCache<TenantId, byte[]> keys = Caffeine.newBuilder().maximumSize(100_000).buildAsync();

	SealedBlindIndex(DatabaseClient db, ContentCipher cipher, Clock clock) {
		this.db = db;
		this.cipher = cipher;
		this.clock = clock;
	}

	@Override
	public Mono<List<byte[]>> digests(TenantId tenant, Collection<String> terms) {
		if (terms.isEmpty()) {
			return Mono.just(List.of());
		}
		return key(tenant).map((key) -> {
			try {
				Mac mac = Mac.getInstance(ALGORITHM);
				mac.init(new SecretKeySpec(key, ALGORITHM));
				List<byte[]> digests = new ArrayList<>(terms.size());
				for (String term : terms) {
					mac.update(CONTEXT);
					digests.add(mac.doFinal(term.getBytes(StandardCharsets.UTF_8)));
				}
				return digests;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("HMAC-SHA256 is unavailable", ex);
			}
		});
	}

	private Mono<byte[]> key(TenantId tenant) {
		return CachedLoads.get(this.keys, tenant, this::loadOrCreate)
			// A failed load is not cached: the next call tries again.
			.doOnError((ex) -> this.keys.synchronous().invalidate(tenant));
	}

	private Mono<byte[]> loadOrCreate(TenantId tenant) {
		ContentRef ref = ref(tenant);
		return find(tenant).switchIfEmpty(Mono.defer(() -> create(tenant, ref)))
			.flatMap((sealed) -> this.cipher.open(ref, sealed))
			.map((encoded) -> Base64.getDecoder().decode(encoded));
	}

	private Mono<byte[]> find(TenantId tenant) {
		return this.db.sql("SELECT sealed_key FROM blind_index_keys WHERE tenant_id = :tenant")
			.bind("tenant", tenant.value())
			.map((row) -> row.get("sealed_key", byte[].class))
			.one();
	}

	private Mono<byte[]> create(TenantId tenant, ContentRef ref) {
		byte[] key = new byte[32];
		this.random.nextBytes(key);
		return this.cipher.seal(ref, Base64.getEncoder().encodeToString(key))
			.flatMap((sealed) -> this.db
				.sql("INSERT INTO blind_index_keys (tenant_id, sealed_key, created_at) VALUES (:tenant, :sealed, :at) "
						+ "ON CONFLICT (tenant_id) DO NOTHING")
				.bind("tenant", tenant.value())
				.bind("sealed", sealed)
				.bind("at", this.clock.instant())
				.then())
			// Another replica may have inserted first; everyone uses the stored key.
			.then(Mono.defer(() -> find(tenant)));
	}

	/** Where a tenant's index key is sealed: its reserved key conversation. */
	static ContentRef ref(TenantId tenant) {
		UUID conversation = UUID.nameUUIDFromBytes(
				("enclave.blind-index-key:" + tenant.value()).getBytes(StandardCharsets.US_ASCII));
		return new ContentRef(tenant, new ConversationId(conversation), tenant.value(), FIELD);
	}

}
