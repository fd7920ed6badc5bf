package dev.enclave.identity.internal;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.enclave.storage.DatabaseNotifications;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Credentials that resolved, kept in memory so a request costs no database round trip: API
 * keys by their hash, local sessions by id. Only positive answers are kept, so a key created
 * on another replica works at once; a key or session that stopped working is dropped on
 * every replica by a PostgreSQL notification sent with the change (revocation, logout,
 * disabled user or tenant, changed roles), normally within a second. Should the listener be
 * disconnected, {@code ttl} bounds how long a revoked credential may still be accepted; it
 * resyncs (drops everything) when it reconnects.
 */
final class CredentialCache implements AutoCloseable {

	/** The notification channel: payloads {@code key:<id>}, {@code session:<id>}, {@code user:<id>}, {@code tenant:<id>}. */
	static final String CHANNEL = "enclave_credentials";

	private static final Logger log = LoggerFactory.getLogger(CredentialCache.class);

	private final @Nullable Cache<ByteBuffer, ApiKeyRecord> keys;

	private final @Nullable Cache<UUID, UserRecord> sessions;

	/** Counts invalidations, so a lookup that raced with one does not cache what it read before it. */
	private final AtomicLong generation = new AtomicLong();

	private final Disposable listening;

	CredentialCache(CredentialCacheSettings settings, DatabaseNotifications notifications) {
		boolean enabled = !settings.ttl().isZero();
		this.keys = enabled ? Caffeine.newBuilder()
			.expireAfterWrite(settings.ttl())
			.maximumSize(settings.maxEntries())
			.<ByteBuffer, ApiKeyRecord>build() : null;
		this.sessions = enabled ? Caffeine.newBuilder()
			.expireAfterWrite(settings.ttl())
			.maximumSize(settings.maxEntries())
			.<UUID, UserRecord>build() : null;
		this.listening = enabled ? notifications.listen(CHANNEL).subscribe(this::onNotification) : () -> {
		};
	}

	/**
	 * Forgets what the change invalidates here at once, and sends it to every replica; call
	 * it after the change's statement.
	 */
	Mono<Void> changed(DatabaseClient db, String kind, UUID id) {
		return Mono.defer(() -> {
			onNotification(kind + ":" + id);
			return db.sql("SELECT pg_notify(:channel, :payload)")
				.bind("channel", CHANNEL)
				.bind("payload", kind + ":" + id)
				.then();
		});
	}

	/** The usable key with this hash, from memory or {@code load}. */
	Mono<ApiKeyRecord> apiKey(byte[] hash, Supplier<Mono<ApiKeyRecord>> load) {
		if (this.keys == null) {
			return load.get();
		}
		ByteBuffer key = ByteBuffer.wrap(hash.clone());
		ApiKeyRecord cached = this.keys.getIfPresent(key);
		if (cached != null) {
			return Mono.just(cached);
		}
		long before = this.generation.get();
		Cache<ByteBuffer, ApiKeyRecord> keys = this.keys;
		return load.get().doOnNext((loaded) -> {
			if (this.generation.get() == before) {
				keys.put(key, loaded);
			}
		});
	}

	/** The user of this live session, from memory or {@code load}. */
	Mono<UserRecord> session(UUID session, Supplier<Mono<UserRecord>> load) {
		if (this.sessions == null) {
			return load.get();
		}
		UserRecord cached = this.sessions.getIfPresent(session);
		if (cached != null) {
			return Mono.just(cached);
		}
		long before = this.generation.get();
		Cache<UUID, UserRecord> sessions = this.sessions;
		return load.get().doOnNext((loaded) -> {
			if (this.generation.get() == before) {
				sessions.put(session, loaded);
			}
		});
	}

	void onNotification(String payload) {
		this.generation.incrementAndGet();
		int colon = payload.indexOf(':');
		UUID id = null;
		if (colon > 0) {
			try {
				id = UUID.fromString(payload.substring(colon + 1));
			}
			catch (IllegalArgumentException ex) {
				id = null;
			}
		}
		String kind = (colon > 0) ? payload.substring(0, colon) : payload;
		if (id == null) {
			// A resync, or a payload this version does not know: forget everything.
			invalidate((record) -> true, (record) -> true);
			return;
		}
		UUID target = id;
		switch (kind) {
			case "key" -> invalidate((record) -> record.id().equals(target), (user) -> false);
			case "session" -> {
				if (this.sessions != null) {
					this.sessions.invalidate(target);
				}
			}
			case "user" -> invalidate((record) -> false, (user) -> user.id().value().equals(target));
			case "tenant" -> invalidate((record) -> record.tenantId().value().equals(target),
					(user) -> user.tenantId().value().equals(target));
			default -> invalidate((record) -> true, (user) -> true);
		}
	}

	private void invalidate(Predicate<ApiKeyRecord> key, Predicate<UserRecord> user) {
		if (this.keys != null) {
			this.keys.asMap().values().removeIf(key);
		}
		if (this.sessions != null) {
			this.sessions.asMap().values().removeIf(user);
		}
	}

	@Override
	public void close() {
		this.listening.dispose();
		log.debug("Credential cache closed");
	}

}
