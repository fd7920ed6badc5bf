package dev.enclave.shared;

import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
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
	void aLoadOfNothingIsEmptyAndNotCached() {
		StepVerifier.create(CachedLoads.get(this.cache, "none", (key) -> reactor.core.publisher.Mono.<String>empty()))
			.verifyComplete();
		assertThat(this.cache.synchronous().getIfPresent("none")).isNull();
	}

}
