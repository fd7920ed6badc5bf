package dev.enclave.identity.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTests {

	private final LoginThrottle throttle = new LoginThrottle(
			new LocalAuthSettings.FailedLogins(3, 5, Duration.ofMinutes(15)));

	@Test
	void blocksAUserNameAfterItsFailuresWhateverTheAddress() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.throttle.blockedFor("Alice", "10.0.0." + i)).isEmpty();
			this.throttle.recordFailure("Alice", "10.0.0." + i);
		}
		assertThat(this.throttle.blockedFor("alice", "10.9.9.9")).hasValueSatisfying(
				(wait) -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5)));
		assertThat(this.throttle.blockedFor("bob", "10.9.9.9")).isEmpty();
	}

	@Test
	void blocksAnAddressThatTriesManyUserNames() {
		for (int i = 0; i < 5; i++) {
			this.throttle.recordFailure("user-" + i, "192.0.2.7");
		}
		assertThat(this.throttle.blockedFor("someone-new", "192.0.2.7")).isPresent();
		assertThat(this.throttle.blockedFor("someone-new", "192.0.2.8")).isEmpty();
	}

	@Test
	void successClearsTheUserNamesStreak() {
		this.throttle.recordFailure("carol", "a");
		this.throttle.recordFailure("carol", "a");
		this.throttle.recordSuccess("carol");
		this.throttle.recordFailure("carol", "a");
		this.throttle.recordFailure("carol", "a");
		assertThat(this.throttle.blockedFor("carol", "b")).isEmpty();
	}

}
