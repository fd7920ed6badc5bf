package dev.enclave.assistant.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class TurnResponsesTests {

	private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] FIRST = "data: 1\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] LAST = "data: 2\n\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	void aSilentStreamGetsAHeartbeatEveryIntervalUntilItEnds() {
		StepVerifier
			.withVirtualTime(() -> TurnResponses.withHeartbeats(
					Flux.concat(Mono.just(FIRST), Mono.just(LAST).delayElement(Duration.ofSeconds(40))),
					Duration.ofSeconds(15), KEEP_ALIVE))
			.expectNext(FIRST)
			.expectNoEvent(Duration.ofSeconds(15).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(KEEP_ALIVE)
			.expectNoEvent(Duration.ofSeconds(15).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(KEEP_ALIVE)
			.expectNoEvent(Duration.ofSeconds(10).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(LAST)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void aStreamThatKeepsTalkingGetsNoHeartbeat() {
		StepVerifier
			.withVirtualTime(() -> TurnResponses.withHeartbeats(
					Flux.interval(Duration.ofSeconds(5)).take(7).map((tick) -> FIRST), Duration.ofSeconds(15),
					KEEP_ALIVE))
			.thenAwait(Duration.ofSeconds(35))
			.expectNextCount(7)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

}
