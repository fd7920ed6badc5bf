package dev.enclave.inference.internal.hub;

import java.time.Duration;

/**
 * How long a pull waits for the hub. HttpClient's request timeout ends when the headers
 * arrive, so a body that stalls is bounded separately.
 * @param request until a response's headers arrive
 * @param idle between two reads of a response body
 */
record Timeouts(Duration request, Duration idle) {

	static final Duration CONNECT = Duration.ofSeconds(10);

	static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60));

}
