package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import reactor.core.publisher.Mono;
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

	StoreCalls(Scheduler scheduler, Duration timeout, Bulkhead bulkhead) {
		this.executor = scheduler::schedule;
		this.timeout = timeout;
		this.bulkhead = bulkhead;
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
