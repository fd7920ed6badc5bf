package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How blocking limit-store calls are made from reactive code: on the store's own bounded
 * scheduler, never on the event loop, within the store timeout. Admission work also passes a
 * semaphore bulkhead, one permit per call, given back when the call completes, fails, times
 * out or is cancelled, so a flood of requests cannot queue unbounded work on the store.
 */
final class StoreCalls {

	private final Executor executor;

	private final Duration timeout;

	private final Bulkhead bulkhead;

	/** The calls under way through {@link #decide}, by key. */
	private final ConcurrentMap<Object, Sinks.Empty<Void>> asking = new ConcurrentHashMap<>();

	StoreCalls(Scheduler scheduler, Duration timeout, Bulkhead bulkhead) {
		this.executor = scheduler::schedule;
		this.timeout = timeout;
		this.bulkhead = bulkhead;
	}

	/**
	 * Decides on what this replica holds when it can, without leaving the thread; else asks
	 * the store, once per {@code key} (the limits decided for) at a time. A request that finds
	 * the store being asked for its key waits for that call, decides again on what it brought
	 * back (the grants and spare slots it took for the next requests), and goes to the store
	 * itself only when that was not enough. After an idle while a replica's grants are stale
	 * and its spare slots given back, and every request of the burst that ended it went to
	 * the store at once, each waiting on the scope's row lock for the ones before it: 100 to
	 * 300 ms for the first requests after 10 s without traffic (docs/benchmarks.md). Waiting
	 * takes no bulkhead permit. A follower waits at most the timeout for the call ahead of it,
	 * then the same again for its own.
	 */
	<T> Mono<T> decide(Object key, Supplier<@Nullable T> local, Callable<T> store) {
		return Mono.defer(() -> {
			T here = local.get();
			if (here != null) {
				return Mono.just(here);
			}
			Sinks.Empty<Void> mine = Sinks.empty();
			Sinks.Empty<Void> ahead = this.asking.putIfAbsent(key, mine);
			if (ahead != null) {
				// Followers go on spread over the parallel workers, not one after another on the thread that ends the call.
				return ahead.asMono().publishOn(Schedulers.parallel()).then(Mono.defer(() -> {
					T after = local.get();
					return (after != null) ? Mono.just(after) : guarded(store);
				}));
			}
			return guarded(store).doFinally((signal) -> {
				this.asking.remove(key, mine);
				mine.tryEmitEmpty();
			});
		});
	}

	/**
	 * A call that counts against the bulkhead: admission work. A full bulkhead fails it at
	 * once with {@code BulkheadFullException}, without waiting.
	 */
	<T> Mono<T> guarded(Callable<T> work) {
		return unguarded(work).transformDeferred(BulkheadOperator.of(this.bulkhead));
	}

	/**
	 * A call that must not be shed: giving back what a request held. A call that outlives the
	 * timeout is left to finish on its own rather than interrupted (which would only break its
	 * JDBC connection); the pool's own timeouts bound it.
	 */
	<T> Mono<T> unguarded(Callable<T> work) {
		return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> call(work), this.executor), true)
			.timeout(this.timeout)
			// The request goes on elsewhere: the store's few threads are for store calls only.
			.publishOn(Schedulers.parallel());
	}

	private static <T> T call(Callable<T> work) {
		try {
			return work.call();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CompletionException(ex);
		}
	}

}
