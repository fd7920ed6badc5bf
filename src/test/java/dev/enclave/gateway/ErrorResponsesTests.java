package dev.enclave.gateway;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponsesTests {

	@Test
	void retryAfterIsWholeSecondsRoundedUpAndNeverZero() {
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ofSeconds(1))).isEqualTo(1);
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ofSeconds(12))).isEqualTo(12);
		assertThat(ErrorResponses.retryAfterSeconds(Duration.ofMinutes(6).plusNanos(1))).isEqualTo(361);
	}

}
