package dev.enclave.ratelimit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;

/**
 * Where the token buckets live. A bucket's name carries its limits, so a changed limit
 * starts a fresh bucket instead of inheriting a state sized for the old one.
 */
interface Buckets {

	Duration MINUTE = Duration.ofMinutes(1);

	Duration DAY = Duration.ofDays(1);

	/** The index of the per-day bandwidth in a token bucket's diagnostics. */
	int DAY_BANDWIDTH = 1;

	/** Requests per minute of a scope. */
	Bucket requests(ScopedLimits limits);

	/** Tokens of a scope: bandwidth 0 per minute, bandwidth 1 per day. */
	Bucket tokens(ScopedLimits limits);

	static String requestsName(ScopedLimits limits) {
		return "r:" + limits.scope().storeKey() + ":" + limits.tier().requestsPerMinute();
	}

	static String tokensName(ScopedLimits limits) {
		return "t:" + limits.scope().storeKey() + ":" + limits.tier().tokensPerMinute() + ":"
				+ limits.tier().tokensPerDay();
	}

	static BucketConfiguration requestsConfiguration(Tier tier) {
		return BucketConfiguration.builder().addLimit(perMinute(tier.requestsPerMinute())).build();
	}

	static BucketConfiguration tokensConfiguration(Tier tier) {
		return BucketConfiguration.builder()
			.addLimit(perMinute(tier.tokensPerMinute()))
			.addLimit(Bandwidth.builder().capacity(tier.tokensPerDay()).refillGreedy(tier.tokensPerDay(), DAY).id("day")
				.build())
			.build();
	}

	private static Bandwidth perMinute(long capacity) {
		return Bandwidth.builder().capacity(capacity).refillGreedy(capacity, MINUTE).id("minute").build();
	}

	/** Bucket4j's time from the application's clock, so tests can move time. */
	static TimeMeter timeMeter(Clock clock) {
		return new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				Instant now = clock.instant();
				return now.getEpochSecond() * 1_000_000_000L + now.getNano();
			}

			@Override
			public boolean isWallClockBased() {
				return true;
			}

		};
	}

}
