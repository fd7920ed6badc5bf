package dev.enclave.shared;

import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import reactor.core.publisher.Mono;

/**
 * The one way a reactive load goes through a Caffeine {@link AsyncCache}: every caller of a
 * key shares the load's future, so no caller may cancel it. Reactor's
 * {@code Mono.fromFuture(future)} cancels the future when its subscriber goes away (a client
 * that disconnects), which failed every other request waiting on the same key with a
 * {@code CancellationException}.
 */
public final class CachedLoads {

	private CachedLoads() {
	}

	/** The cached value of {@code key}, loaded by {@code loader} on a miss; empty when it loads nothing. */
	public static <K, V> Mono<V> get(AsyncCache<K, V> cache, K key, Function<K, Mono<V>> loader) {
		return Mono.defer(() -> Mono.fromFuture(cache.get(key, (missing, executor) -> loader.apply(missing).toFuture()),
				true));
	}

}
