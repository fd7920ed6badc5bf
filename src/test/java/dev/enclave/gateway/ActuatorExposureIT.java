package dev.enclave.gateway;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Of the actuator, only health (with its probe groups) and Prometheus are exposed (OWASP API8):
 * the discovery page links nothing else, and every other endpoint Spring Boot, Spring Modulith
 * and Resilience4j could contribute is an ordinary 404 in the envelope, whatever the method.
 * The health endpoint itself says up or down and nothing about what it checked.
 */
class ActuatorExposureIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theDiscoveryPageLinksOnlyHealthAndPrometheus() {
		JsonNode links = json(http().get().uri("/actuator").exchange().expectStatus().isOk().expectBody().returnResult())
			.get("_links");
		List<String> names = new ArrayList<>(links.propertyNames());
		assertThat(names).containsOnly("self", "health", "health-path", "prometheus").contains("health", "prometheus");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "auditevents", "beans", "caches", "conditions", "configprops", "env", "flyway",
			"heapdump", "httpexchanges", "info", "integrationgraph", "liquibase", "logfile", "loggers", "mappings",
			"metrics", "modulith", "quartz", "sbom", "scheduledtasks", "sessions", "shutdown", "startup",
			"threaddump", "jolokia", "refresh", "restart", "pause", "resume", "features", "circuitbreakers",
			"circuitbreakerevents", "bulkheads", "bulkheadevents", "ratelimiters", "retries", "timelimiters" })
	void noOtherEndpointAnswers(String endpoint) {
		for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE)) {
			EntityExchangeResult<byte[]> result = http().method(method)
				.uri("/actuator/" + endpoint)
				.exchange()
				.expectBody()
				.returnResult();
			assertEnvelope(result, 404, "not_found", "not_found_error");
		}
	}

	@Test
	void healthSaysOnlyUpOrDown() {
		for (String path : List.of("/actuator/health", "/actuator/health/liveness")) {
			JsonNode health = json(http().get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult());
			assertThat(health.get("status").asString()).as(path).isEqualTo("UP");
			assertThat(health.has("components")).as("%s lists what it checked", path).isFalse();
			assertThat(health.has("details")).as("%s has details", path).isFalse();
		}
		http().get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
	}

	private static JsonNode json(EntityExchangeResult<byte[]> result) {
		return JSON.readTree(result.getResponseBody());
	}

}
