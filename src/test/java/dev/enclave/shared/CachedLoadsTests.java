package dev.enclave.shared;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class CachedLoadsTests {

	private final AsyncCache<String, String> cache = Caffeine.newBuilder().buildAsync();

	@Test
	void aCallerThatGoesAwayDoesNotCancelTheLoadOthersWaitFor() {
		Sinks.One<String> load = Sinks.one();
		AtomicInteger loads = new AtomicInteger();
		Disposable leaving = CachedLoads.get(this.cache, "tenant", (key) -> {
			loads.incrementAndGet();
			return load.asMono();
		}).subscribe();
		StepVerifier.create(CachedLoads.get(this.cache, "tenant", (key) -> {
			loads.incrementAndGet();
			return load.asMono();
		}))
			.then(leaving::dispose)
			.then(() -> load.tryEmitValue("limits"))
			.expectNext("limits")
			.verifyComplete();
		assertThat(loads).as("one load, shared").hasValue(1);
		StepVerifier.create(CachedLoads.get(this.cache, "tenant", (key) -> {
			throw new AssertionError("cached: not loaded again");
		})).expectNext("limits").verifyComplete();
	}

	@Test
	void aRefreshingCacheReloadsAValueInUseAheadOfExpiryWhileReadersKeepTheOneInHand() {
		AtomicLong nanos = new AtomicLong();
		AtomicInteger loads = new AtomicInteger();
		Sinks.One<String> slowReload = Sinks.one();
		AsyncLoadingCache<String, String> plans = CachedLoads.refreshing(Duration.ofSeconds(10), 100, nanos::get,
				(key) -> (loads.incrementAndGet() == 2) ? slowReload.asMono() : Mono.just(key + "-" + loads.get()));
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-1");
		nanos.addAndGet(Duration.ofSeconds(4).toNanos());
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-1");
		assertThat(loads).as("fresh: not reloaded").hasValue(1);

		// Over half its ttl old: readers are answered at once from memory while the reload runs.
		nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-1");
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-1");
		assertThat(loads).as("one reload").hasValue(2);
		slowReload.tryEmitValue("tenant-2");
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-2");

		// Not read for its whole ttl: gone, and the next reader waits for a load.
		nanos.addAndGet(Duration.ofSeconds(11).toNanos());
		assertThat(CachedLoads.get(plans, "tenant").block()).isEqualTo("tenant-3");
	}

	@Test
	void aLoadOfNothingIsEmptyAndNotCached() {
		StepVerifier.create(CachedLoads.get(this.cache, "none", (key) -> Mono.<String>empty()))
			.verifyComplete();
		assertThat(this.cache.synchronous().getIfPresent("none")).isNull();
	}

}
