package dev.enclave.ratelimit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until the test moves it: the limit tests' time. */
final class SteppedClock extends Clock {

	private volatile Instant now = Instant.parse("2026-11-23T08:00:00Z");

	void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	/** Now in nanoseconds since the epoch, as Bucket4j's time meter reads it. */
	long nanos() {
		return this.now.getEpochSecond() * 1_000_000_000L + this.now.getNano();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
