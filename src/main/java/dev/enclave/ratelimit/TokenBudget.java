package dev.enclave.ratelimit;

import dev.enclave.identity.Principal;
import reactor.core.publisher.Mono;

/**
 * The token limits of inference requests (tokens per minute and per day, prompt and
 * completion together) of the caller's API key or user and of its tenant; all must pass.
 * A caller reserves its estimate before generation starts (and before it stores anything)
 * and settles the true count when generation ends, however it ends, so a stream that runs
 * over is charged in full and a stream cut short gives back what it did not use.
 */
public interface TokenBudget {

	/**
	 * Reserves {@code tokens} for one inference request.
	 * @param caller who asks
	 * @param tokens the prompt's tokens plus the most tokens the answer may take
	 * @return the reservation to settle exactly once, with the {@code x-ratelimit-*-tokens}
	 * headers of the budget after it; or the error: 429 {@code rate_limit_exceeded} (tokens
	 * per minute) or {@code quota_exceeded} (tokens per day) with {@code Retry-After}, 503
	 * {@code ratelimit_unavailable} when the limit store is unreachable and the store fails
	 * closed
	 */
	Mono<TokenReservation> reserve(Principal caller, long tokens);

	/**
	 * Counts a failure that ended an inference request after its response had started, so
	 * that load shed by the inference scheduler (503 {@code overloaded}) inside a stream is
	 * counted like one shed before the response started. Other failures are ignored.
	 */
	void recordFailure(Throwable failure);

}
