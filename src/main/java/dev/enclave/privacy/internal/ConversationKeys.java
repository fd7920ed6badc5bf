package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.enclave.privacy.ContentIntegrityException;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.ConversationShreddedException;
import dev.enclave.privacy.DataKeyUnavailableException;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One data key per conversation: created on first seal, stored wrapped by the KEK, and kept
 * unwrapped in a small in-memory cache so a conversation's messages do not each cost a
 * database read and an unwrap. The cache is bounded in size and time (an unwrapped key
 * lives in memory at most the configured TTL after it was loaded) and a shred drops the key
 * at once. Loads are asynchronous and shared: concurrent requests for one conversation wait
 * for a single database read.
 */
final class ConversationKeys {

	private final DataKeyStore store;

	private final KeyEncryptionKey kek;

	private final Clock clock;

	private final AsyncCache<ConversationId, Lookup> cache;

	ConversationKeys(DataKeyStore store, KeyEncryptionKey kek, Clock clock, Duration ttl, long maxSize) {
		TinkRegistration.ensure();
		this.store = store;
		this.kek = kek;
		this.clock = clock;
		this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).buildAsync();
	}

	/** The conversation's data key, created when it has none yet. */
	Mono<Aead> forSealing(ContentRef ref) {
		return cached(ref.tenant(), ref.conversation(), true)
			// An open that found no key may have raced this seal; a second look creates it.
			.onErrorResume(MissingDataKey.class, (missing) -> cached(ref.tenant(), ref.conversation(), true))
			.map((key) -> {
				if (!key.tenant().equals(ref.tenant())) {
					// A caller bug, not a property of some ciphertext: the conversation module
					// checks ownership before it stores anything.
					throw new IllegalArgumentException("Conversation " + ref.conversation() + " belongs to another tenant");
				}
				return key.aead();
			});
	}

	/** The conversation's existing data key. */
	Mono<Aead> forOpening(ContentRef ref) {
		return cached(ref.tenant(), ref.conversation(), false)
			.onErrorMap(MissingDataKey.class, (missing) -> new ContentIntegrityException(ref,
					"its conversation has no data key in this installation"))
			.map((key) -> {
				if (!key.tenant().equals(ref.tenant())) {
					throw new ContentIntegrityException(ref, "its conversation belongs to another tenant");
				}
				return key.aead();
			});
	}

	/** Drops the unwrapped key from memory, after a shred. */
	void forget(ConversationId conversation) {
		this.cache.synchronous().invalidate(conversation);
	}

	private Mono<DataKey> cached(TenantId tenant, ConversationId conversation, boolean create) {
		return Mono.defer(() -> {
			CompletableFuture<Lookup> lookup = this.cache.get(conversation,
					(key, executor) -> load(tenant, key, create).map(Lookup::found)
						.onErrorResume(RuntimeException.class, (failure) -> Mono.just(Lookup.failed(failure)))
						.toFuture());
			// suppressCancel: one caller going away must not cancel a load others wait for.
			return Mono.fromFuture(lookup, true).handle((result, sink) -> {
				if (result.key() != null) {
					sink.next(result.key());
					return;
				}
				// Failures are answered, not cached: the next call looks again.
				this.cache.asMap().remove(conversation, lookup);
				sink.error(result.failure());
			});
		});
	}

	private Mono<DataKey> load(TenantId tenant, ConversationId conversation, boolean create) {
		Mono<DataKeyRow> missing = (create) ? Mono.defer(() -> create(tenant, conversation))
				: Mono.error(new MissingDataKey());
		return this.store.find(conversation).switchIfEmpty(missing).map(this::unwrap);
	}

	private Mono<DataKeyRow> create(TenantId tenant, ConversationId conversation) {
		UUID id = UUID.randomUUID();
		return Mono.fromCallable(() -> this.kek.wrap(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
				AssociatedData.dataKey(id, tenant, conversation)))
			.flatMap((wrapped) -> this.store.insertIfAbsent(id, tenant, conversation, wrapped, this.kek.primaryKeyId(),
					this.clock.instant()))
			// Whoever inserted first (another request, another replica) wins; everyone uses that key.
			.then(Mono.defer(() -> this.store.find(conversation)));
	}

	private DataKey unwrap(DataKeyRow row) {
		byte[] wrapped = row.wrappedKey();
		if (row.destroyed() || wrapped == null) {
			throw new ConversationShreddedException(row.conversation());
		}
		try {
			KeysetHandle keyset = this.kek.unwrap(wrapped, AssociatedData.dataKey(row.id(), row.tenant(), row.conversation()));
			return new DataKey(row.tenant(), keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
		}
		catch (GeneralSecurityException ex) {
			throw new DataKeyUnavailableException(row.conversation(), ex);
		}
	}

	private record DataKey(TenantId tenant, Aead aead) {
	}

	/**
	 * A load's outcome. Expected failures (shredded, no key yet) travel as values rather
	 * than as failed futures, which Caffeine would log as warnings with a stack trace.
	 */
	private record Lookup(@Nullable DataKey key, @Nullable RuntimeException failure) {

		static Lookup found(DataKey key) {
			return new Lookup(key, null);
		}

		static Lookup failed(RuntimeException failure) {
			return new Lookup(null, failure);
		}

	}

	/** No row yet; a seal creates one, an open fails. */
	private static final class MissingDataKey extends RuntimeException {

		MissingDataKey() {
			super("no data key", null, false, false);
		}

	}

}
