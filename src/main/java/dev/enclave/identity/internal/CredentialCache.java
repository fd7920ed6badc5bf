package dev.enclave.identity.internal;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.enclave.shared.CachedLoads;
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
 * <p>
 * Requests do not wait for the database when a credential in use would expire: one read
 * once it is half {@code ttl} old is reloaded in the background while requests go on with
 * the one in hand, and dropped if the reload finds it no longer usable. (Before, every
 * {@code ttl} a busy key's requests all missed at once, each with its own query, and waited
 * as long as the database took to answer them all.) Lookups of one credential that is not
 * in memory share one query.
 */
final class CredentialCache implements AutoCloseable {

	/** The notification channel: payloads {@code key:<id>}, {@code session:<id>}, {@code user:<id>}, {@code tenant:<id>}. */
	static final String CHANNEL = "enclave_credentials";

	private static final Logger log = LoggerFactory.getLogger(CredentialCache.class);

	private final @Nullable Resolved<ByteBuffer, ApiKeyRecord> keys;

	private final @Nullable Resolved<UUID, UserRecord> sessions;

	private final Disposable listening;

	CredentialCache(CredentialCacheSettings settings, DatabaseNotifications notifications) {
		this(settings, notifications, Ticker.systemTicker());
	}

	CredentialCache(CredentialCacheSettings settings, DatabaseNotifications notifications, Ticker ticker) {
		boolean enabled = !settings.ttl().isZero();
		this.keys = enabled ? new Resolved<>(settings, ticker) : null;
		this.sessions = enabled ? new Resolved<>(settings, ticker) : null;
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
		return (this.keys != null) ? this.keys.get(ByteBuffer.wrap(hash.clone()), load) : load.get();
	}

	/** The user of this live session, from memory or {@code load}. */
	Mono<UserRecord> session(UUID session, Supplier<Mono<UserRecord>> load) {
		return (this.sessions != null) ? this.sessions.get(session, load) : load.get();
	}

	void onNotification(String payload) {
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
					this.sessions.forget(target);
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
			this.keys.invalidate(key);
		}
		if (this.sessions != null) {
			this.sessions.invalidate(user);
		}
	}

	@Override
	public void close() {
		this.listening.dispose();
		log.debug("Credential cache closed");
	}

	/**
	 * One kind of credential in memory. A lookup that is under way when a change arrives may
	 * have read the credential before it: it is dropped with whatever the change touches, and
	 * its result is not kept (its own callers get it, as if they had come a moment earlier).
	 * A reload that is under way when the change arrives is not kept either.
	 */
	private static final class Resolved<K, V> {

		private final AsyncCache<K, Loaded<V>> entries;

		private final Ticker ticker;

		private final long refreshAfterNanos;

		Resolved(CredentialCacheSettings settings, Ticker ticker) {
			this.entries = Caffeine.newBuilder()
				.expireAfterWrite(settings.ttl())
				.maximumSize(settings.maxEntries())
				.ticker(ticker)
				.executor(Runnable::run)
				.buildAsync();
			this.ticker = ticker;
			this.refreshAfterNanos = settings.ttl().dividedBy(2).toNanos();
		}

		Mono<V> get(K key, Supplier<Mono<V>> load) {
			CompletableFuture<Loaded<V>> present = this.entries.getIfPresent(key);
			Loaded<V> loaded = (present != null && present.isDone() && !present.isCompletedExceptionally())
					? present.getNow(null) : null;
			if (loaded == null) {
				return CachedLoads.get(this.entries, key,
						(missing) -> load.get().map((value) -> new Loaded<>(value, this.ticker.read())))
					.map(Loaded::value);
			}
			if (this.ticker.read() - loaded.at() >= this.refreshAfterNanos && loaded.reloading().compareAndSet(false, true)) {
				reload(key, present, loaded, load);
			}
			return Mono.just(loaded.value());
		}

		/** Replaces {@code current} with what the database says now, unless a change came meanwhile. */
		private void reload(K key, CompletableFuture<Loaded<V>> current, Loaded<V> loaded, Supplier<Mono<V>> load) {
			load.get()
				.map((value) -> Optional.of(new Loaded<>(value, this.ticker.read())))
				.defaultIfEmpty(Optional.empty())
				.subscribe((fresh) -> {
					if (fresh.isPresent()) {
						this.entries.asMap().replace(key, current, CompletableFuture.completedFuture(fresh.get()));
					}
					else {
						// Revoked, ended or disabled, and the notification lost: refused from now on.
						this.entries.asMap().remove(key, current);
					}
				}, (failure) -> {
					// Kept until it expires, and tried again by the next request.
					loaded.reloading().set(false);
					log.atWarn()
						.addKeyValue("error", failure.getClass().getSimpleName())
						.log("Reloading a cached credential failed; it is kept until it expires");
				});
		}

		void forget(K key) {
			this.entries.synchronous().invalidate(key);
		}

		void invalidate(Predicate<V> matches) {
			this.entries.asMap().entrySet().removeIf((entry) -> {
				CompletableFuture<Loaded<V>> future = entry.getValue();
				if (!future.isDone()) {
					return true;
				}
				Loaded<V> loaded = future.isCompletedExceptionally() ? null : future.getNow(null);
				return loaded == null || matches.test(loaded.value());
			});
		}

	}

	/** A credential as loaded, when, and whether a reload of it is under way. */
	private record Loaded<V>(V value, long at, AtomicBoolean reloading) {

		Loaded(V value, long at) {
			this(value, at, new AtomicBoolean());
		}

	}

}
