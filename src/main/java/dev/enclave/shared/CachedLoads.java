package dev.enclave.shared;

import java.time.Duration;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
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

	/** The cached value of {@code key} in a cache made by {@link #refreshing}; empty when it loads nothing. */
	public static <K, V> Mono<V> get(AsyncLoadingCache<K, V> cache, K key) {
		return Mono.defer(() -> Mono.fromFuture(cache.get(key), true));
	}

	/**
	 * A cache of what {@code loader} reads from a store, whose keys in use never make a
	 * caller wait for the store again. A value read once it is half {@code ttl} old is
	 * reloaded in the background while its readers keep the one in hand; a value not
	 * reloaded within {@code ttl} (its key not read since, or its reloads failing) is
	 * dropped. So a change made on another replica still applies within {@code ttl}. With
	 * plain expiry, every {@code ttl} the requests of a busy key all waited for one query,
	 * and for as long as the store took to answer it.
	 * <p>
	 * A reload that finds nothing drops the key. Loads start on the reading thread: a loader
	 * only assembles non-blocking work.
	 */
	public static <K, V> AsyncLoadingCache<K, V> refreshing(Duration ttl, long maximumSize, Ticker ticker,
			Function<K, Mono<V>> loader) {
		return Caffeine.newBuilder()
			.expireAfterWrite(ttl)
			.refreshAfterWrite(ttl.dividedBy(2))
			.maximumSize(maximumSize)
			.ticker(ticker)
			.executor(Runnable::run)
			.<K, V>buildAsync((key, executor) -> loader.apply(key).toFuture());
	}

}
