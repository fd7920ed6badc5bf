package dev.enclave.identity.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache of resolved API keys on its own, with a clock the test moves: a key in use is
 * reloaded in the background ahead of its expiry, so requests never wait for the database
 * when it would expire; concurrent lookups share one query; and a change that arrives while
 * a query is under way keeps what it read out of the cache.
 */
class CredentialCacheTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final AtomicLong nanos = new AtomicLong();

	private final Sinks.Many<String> notifications = Sinks.many().multicast().directBestEffort();

	private final CredentialCache cache = new CredentialCache(
			new CredentialCacheSettings(TTL, 1_000, Duration.ofSeconds(10)), (channel) -> this.notifications.asFlux(),
			this.nanos::get);

	private final byte[] hash = "hash-of-a-key".getBytes(StandardCharsets.UTF_8);

	private final AtomicInteger queries = new AtomicInteger();

	@AfterEach
	void close() {
		this.cache.close();
	}

	@Test
	void concurrentLookupsOfAKeyNotInMemoryShareOneQuery() {
		Sinks.One<ApiKeyRecord> database = Sinks.one();
		ApiKeyRecord key = key("first");
		StepVerifier.create(Mono.zip(lookup(database::asMono), lookup(database::asMono), lookup(database::asMono)))
			.then(() -> database.tryEmitValue(key))
			.assertNext((found) -> assertThat(found.toList()).containsOnly(key))
			.verifyComplete();
		assertThat(this.queries).as("one query for three lookups").hasValue(1);
		assertThat(lookup(failing()).block()).isSameAs(key);
	}

	@Test
	void aKeyInUseIsReloadedAheadOfItsExpiryWhileRequestsGoOnWithTheOneInHand() {
		ApiKeyRecord first = key("first");
		assertThat(lookup(() -> Mono.just(first)).block()).isSameAs(first);
		advance(TTL.dividedBy(2).minusSeconds(1));
		assertThat(lookup(failing()).block()).as("fresh: no query").isSameAs(first);

		// Half its ttl old: the request is answered from memory at once, and one reload starts.
		advance(Duration.ofSeconds(1));
		Sinks.One<ApiKeyRecord> reload = Sinks.one();
		assertThat(lookup(reload::asMono).block()).isSameAs(first);
		assertThat(lookup(failing()).block()).as("one reload at a time").isSameAs(first);
		assertThat(this.queries).hasValue(2);
		ApiKeyRecord second = key("second");
		reload.tryEmitValue(second);
		assertThat(lookup(failing()).block()).isSameAs(second);

		// Reloaded, it lives a whole ttl again: past the first load's expiry, still no wait.
		advance(TTL.dividedBy(2).plusSeconds(5));
		assertThat(lookup(() -> Mono.just(second)).block()).isSameAs(second);
		assertThat(this.queries).hasValue(3);
	}

	@Test
	void aReloadThatFindsTheKeyGoneDropsItAndAFailedOneKeepsItUntilItExpires() {
		ApiKeyRecord first = key("first");
		lookup(() -> Mono.just(first)).block();
		advance(TTL.dividedBy(2));
		// The database is down: the key stays usable, and the next request tries again.
		assertThat(lookup(() -> Mono.error(new IllegalStateException("down"))).block()).isSameAs(first);
		assertThat(lookup(() -> Mono.empty()).block()).as("served while the reload runs").isSameAs(first);
		// Revoked while its notification was lost: refused from the next request on.
		assertThat(lookup(() -> Mono.empty()).block()).isNull();
		assertThat(this.queries).as("load, failed reload, reload that found nothing, miss").hasValue(4);
	}

	@Test
	void aKeyNotReadForItsTtlExpiresAndIsLoadedAgain() {
		ApiKeyRecord first = key("first");
		lookup(() -> Mono.just(first)).block();
		advance(TTL);
		ApiKeyRecord second = key("second");
		assertThat(lookup(() -> Mono.just(second)).block()).isSameAs(second);
		assertThat(this.queries).hasValue(2);
	}

	@Test
	void aChangeThatArrivesWhileAQueryIsUnderWayKeepsWhatItReadOutOfMemory() {
		Sinks.One<ApiKeyRecord> database = Sinks.one();
		ApiKeyRecord before = key("before the revocation");
		StepVerifier.create(lookup(database::asMono))
			.then(() -> this.notifications.tryEmitNext("key:" + before.id()))
			.then(() -> database.tryEmitValue(before))
			.expectNext(before)
			.verifyComplete();
		assertThat(lookup(() -> Mono.empty()).block()).as("asked again, not served from memory").isNull();

		// The same for a reload under way.
		ApiKeyRecord cached = key("cached");
		lookup(() -> Mono.just(cached)).block();
		advance(TTL.dividedBy(2));
		Sinks.One<ApiKeyRecord> reload = Sinks.one();
		assertThat(lookup(reload::asMono).block()).isSameAs(cached);
		this.notifications.tryEmitNext("key:" + cached.id());
		reload.tryEmitValue(cached);
		assertThat(lookup(() -> Mono.empty()).block()).isNull();
	}

	private Mono<ApiKeyRecord> lookup(Supplier<Mono<ApiKeyRecord>> database) {
		return this.cache.apiKey(this.hash, () -> {
			this.queries.incrementAndGet();
			return database.get();
		});
	}

	private static Supplier<Mono<ApiKeyRecord>> failing() {
		return () -> Mono.error(new AssertionError("served from memory: no query expected"));
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	private static ApiKeyRecord key(String name) {
		return new ApiKeyRecord(UUID.randomUUID(), new TenantId(UUID.randomUUID()), name, "ek_test", Set.of("chat"),
				UUID.randomUUID(), Instant.EPOCH, null, null, null, Priority.INTERACTIVE, true);
	}

}
