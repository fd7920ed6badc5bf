package dev.enclave.identity.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * Slows down password guessing: each user name and each client address may fail only so
 * many logins per window (Bucket4j token buckets, refilled gradually). Successful logins
 * cost nothing. Buckets live in bounded caches that forget idle keys.
 */
final class LoginThrottle {

	private final Cache<String, Bucket> byUsername;

	private final Cache<String, Bucket> byAddress;

	private final LocalAuthSettings.FailedLogins limits;

	LoginThrottle(LocalAuthSettings.FailedLogins limits) {
		this.limits = limits;
		Duration idle = limits.window().multipliedBy(2);
		this.byUsername = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(100_000).build();
		this.byAddress = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(100_000).build();
	}

	/** How long the caller must wait before trying again; empty when it may try now. */
	Optional<Duration> blockedFor(String username, String address) {
		long nanos = Math.max(waitNanos(this.byUsername.getIfPresent(key(username))),
				waitNanos(this.byAddress.getIfPresent(address)));
		return (nanos > 0) ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
	}

	void recordFailure(String username, String address) {
		this.byUsername.get(key(username), (k) -> bucket(this.limits.perUsername())).tryConsume(1);
		this.byAddress.get(address, (k) -> bucket(this.limits.perAddress())).tryConsume(1);
	}

	/** A correct password ends the user name's streak of failures (not the address's). */
	void recordSuccess(String username) {
		this.byUsername.invalidate(key(username));
	}

	private Bucket bucket(int failures) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(failures).refillGreedy(failures, this.limits.window()).build())
			.build();
	}

	private static long waitNanos(Bucket bucket) {
		if (bucket == null || bucket.getAvailableTokens() > 0) {
			return 0;
		}
		return bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
	}

	private static String key(String username) {
		return username.trim().toLowerCase(Locale.ROOT);
	}

}
