package dev.enclave.ratelimit;

import java.util.Map;

import reactor.core.publisher.Mono;

/** Tokens held for one inference request until it ends. */
public interface TokenReservation {

	/** The tokens held. */
	long reserved();

	/**
	 * OpenAI's {@code x-ratelimit-{limit,remaining,reset}-tokens} of the tightest token
	 * budget after this reservation, for the web layer to send with the response; empty when
	 * the request was let through unlimited.
	 */
	Map<String, String> headers();

	/**
	 * Corrects the reservation to the tokens really used: charges what ran over, refunds
	 * what was left. Only the first call counts. It never fails: a store that is unreachable
	 * is logged and counted, and the request that already ran is not failed for it.
	 */
	Mono<Void> settle(long usedTokens);

}
