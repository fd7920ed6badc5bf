package dev.enclave.shared;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodicTests {

	@Test
	void aPassThatOutlastsThePeriodSkipsTicksInsteadOfEndingTheSchedule() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		AtomicInteger started = new AtomicInteger();
		// The first pass takes 3.5 periods, every later one is instant.
		StepVerifier
			.withVirtualTime(() -> Periodic.every(Duration.ofSeconds(1), Duration.ofSeconds(1), time,
					() -> Mono.just(started.incrementAndGet())
						.delayElement((started.get() == 1) ? Duration.ofMillis(3500) : Duration.ZERO, time)),
					() -> time, Long.MAX_VALUE)
			.thenAwait(Duration.ofSeconds(1))
			.then(() -> assertThat(started).hasValue(1))
			.thenAwait(Duration.ofMillis(3500))
			.expectNext(1)
			// The ticks at 2, 3 and 4 s came while the first pass ran and were dropped, not queued.
			.then(() -> assertThat(started).hasValue(1))
			.thenAwait(Duration.ofMillis(500))
			.expectNext(2)
			.thenAwait(Duration.ofSeconds(10))
			.expectNextCount(10)
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(started).hasValue(12);
	}

}
