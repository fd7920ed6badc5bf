package dev.enclave.gateway;

import java.time.Duration;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request timeouts and the access log, on an application whose limits are set low enough to
 * reach in a test (its own context; every other IT shares the default one).
 */
@TestPropertySource(properties = { "enclave.gateway.request-timeout=1s",
		"enclave.observability.access-log.slow-threshold=300ms" })
@ExtendWith(OutputCaptureExtension.class)
class EdgeTimingIT extends EnclaveIT {

	@Test
	void requestThatOutlivesTheTimeoutIs504(CapturedOutput output) {
		long start = System.nanoTime();
		EntityExchangeResult<byte[]> result = http().get().uri("/test-fixtures/never").exchange().expectBody().returnResult();
		assertEnvelope(result, 504, "upstream_timeout", "timeout_error");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut()).containsPattern(
					"\"message\":\"GET /test-fixtures/never 504 took [0-9]+ ms, over the 300 ms slow-request threshold\""));
	}

	@Test
	void slowRequestIsLoggedAtWarnWithItsTiming(CapturedOutput output) {
		http().get().uri("/test-fixtures/slow?millis=400").exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("\"message\":\"GET /test-fixtures/slow 200 took [0-9]+ ms, over the 300 ms[^\"]*\"[^\\n]*\"level\":\"WARN\""));
	}

	@Test
	void accessLogHasOneStructuredLineWithRouteTemplateAndNoContent(CapturedOutput output) {
		String marker = "private-customer-text-7731";
		http().post()
			.uri("/test-fixtures/orders?note=" + marker)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"customerName\": \"" + marker + "\", \"quantity\": 2, \"messages\": []}")
			.exchange()
			.expectStatus()
			.isOk();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut()).contains("\"message\":\"POST /test-fixtures/orders 200 "));
		String line = output.getOut()
			.lines()
			.filter((l) -> l.contains("\"message\":\"POST /test-fixtures/orders 200 "))
			.findFirst()
			.orElseThrow();
		assertThat(line).startsWith("{")
			.contains("\"logger_name\":\"enclave.access\"")
			.contains("\"http.method\":\"POST\"")
			.contains("\"http.route\":\"/test-fixtures/orders\"")
			.contains("\"http.status\":200")
			.containsPattern("\"duration_ms\":[0-9]+")
			.containsPattern("\"bytes\":[1-9][0-9]*")
			.containsPattern("\"traceId\":\"[0-9a-f]{32}\"");
		assertThat(output.getOut()).as("neither body nor query reaches the log").doesNotContain(marker);
	}

}
