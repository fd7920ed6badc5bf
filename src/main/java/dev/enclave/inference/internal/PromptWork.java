package dev.enclave.inference.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounded {@code prompts} scheduler where every engine's prompts are rendered and
 * counted: CPU work (templates, tokenizers) that must never run on an event loop. About one
 * thread per core, and a queue long enough for a burst of turns; beyond it requests are shed
 * as {@code overloaded} (503) rather than queued without bound.
 */
public final class PromptWork implements AutoCloseable {

	private static final Duration RETRY_OVERLOADED = Duration.ofSeconds(1);

	private final Scheduler scheduler;

	/**
	 * @param threads renders running at once
	 * @param queued renders waiting for a thread; more are refused as overloaded
	 */
	public PromptWork(int threads, int queued) {
		this.scheduler = Schedulers.newBoundedElastic(threads, queued, "prompts");
	}

	/** Runs {@code work} on the scheduler; a full queue is {@code overloaded}. */
	public <T> Mono<T> run(Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.scheduler)
			.onErrorMap(RejectedExecutionException.class,
					(ex) -> new ApiException(ErrorCode.OVERLOADED, "Too many prompts are waiting to be prepared; "
							+ "try again shortly")
						.withRetryAfter(RETRY_OVERLOADED));
	}

	@Override
	public void close() {
		this.scheduler.dispose();
	}

}
