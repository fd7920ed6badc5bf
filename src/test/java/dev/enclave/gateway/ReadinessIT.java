package dev.enclave.gateway;

import java.time.Duration;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** Readiness follows the database: DOWN (503) while it is gone, UP again once it is back. */
class ReadinessIT extends EnclaveIT {

	@Test
	void readinessGoesDownWithTheDatabaseAndComesBack() {
		http().get().uri("/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
		TestDatabase.server().stop();
		try {
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> http().get()
					.uri("/actuator/health/readiness")
					.exchange()
					.expectStatus()
					.isEqualTo(503)
					.expectBody()
					.jsonPath("$.status")
					.isEqualTo("DOWN"));
			http().get().uri("/health").exchange().expectStatus().isEqualTo(503);
			// The process is alive; only its dependency is not. Kubernetes must not restart it.
			http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		}
		finally {
			TestDatabase.server().start();
		}
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> http().get()
				.uri("/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP"));
	}

	@Test
	void metricsAreReadableWithoutAToken() {
		http().get().uri("/health").exchange().expectStatus().isOk();
		http().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> org.assertj.core.api.Assertions.assertThat(body).contains("http_server_requests_seconds"));
	}

	@Test
	void otherActuatorEndpointsAreNotExposed() {
		http().get().uri("/actuator/env").exchange().expectStatus().isNotFound();
		http().get().uri("/actuator/beans").exchange().expectStatus().isNotFound();
	}

}
