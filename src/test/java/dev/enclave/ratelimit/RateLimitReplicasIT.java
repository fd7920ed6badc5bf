package dev.enclave.ratelimit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.ReplicaApps;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits across replicas: a second instance of the application on the same PostgreSQL
 * shares every budget exactly; and an instance whose limit store is unreachable fails
 * closed (the default) or open, as configured.
 */
class RateLimitReplicasIT extends EnclaveIT {

	@Test
	void twoReplicasShareOneBudgetExactly() throws Exception {
		String admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(admin, "replicas", "chat");
		String key = (String) created.get("key");
		int perMinute = 30;
		http().put()
			.uri("/api/v1/admin/quotas/key/{id}", created.get("id"))
			.headers((headers) -> headers.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("requests_per_minute", perMinute))
			.exchange()
			.expectStatus()
			.isOk();
		try (ConfigurableApplicationContext second = ReplicaApps.start()) {
			List<String> bases = List.of("http://127.0.0.1:" + this.port,
					"http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port"));
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			AtomicInteger admitted = new AtomicInteger();
			AtomicInteger refused = new AtomicInteger();
			AtomicInteger admittedBySecond = new AtomicInteger();
			int clientsPerReplica = 4;
			long hammerNanos = Duration.ofSeconds(3).toNanos();
			ExecutorService pool = Executors.newFixedThreadPool(2 * clientsPerReplica);
			long started = System.nanoTime();
			List<Future<?>> clients = new ArrayList<>();
			for (int i = 0; i < 2 * clientsPerReplica; i++) {
				String base = bases.get(i % 2);
				boolean onSecond = i % 2 == 1;
				clients.add(pool.submit(() -> {
					HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/models"))
						.header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
						.timeout(Duration.ofSeconds(10))
						.build();
					while (System.nanoTime() - started < hammerNanos) {
						HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() == 200) {
							admitted.incrementAndGet();
							if (onSecond) {
								admittedBySecond.incrementAndGet();
							}
						}
						else {
							assertThat(response.statusCode()).isEqualTo(429);
							assertThat(response.headers().firstValue(HttpHeaders.RETRY_AFTER)).isPresent();
							refused.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : clients) {
				future.get();
			}
			double elapsed = (System.nanoTime() - started) / 1e9;
			pool.shutdown();
			long bound = perMinute + (long) Math.ceil(perMinute * elapsed / 60);
			System.out.printf("Two replicas, %d clients, %.2f s: %d admitted (%d by the second replica), %d refused; "
					+ "bound limit + refill = %d%n", 2 * clientsPerReplica, elapsed, admitted.get(),
					admittedBySecond.get(), refused.get(), bound);
			assertThat(admitted.get()).as("admitted across both replicas").isLessThanOrEqualTo((int) bound);
			// The whole budget was usable, from both replicas.
			assertThat(admitted.get()).isGreaterThanOrEqualTo(perMinute);
			assertThat(admittedBySecond.get()).isPositive();
			assertThat(refused.get()).isPositive();
		}
	}

	@Test
	void anUnreachableStoreFailsClosedByDefault() {
		String admin = identities().admin();
		try (ConfigurableApplicationContext replica = ReplicaApps.start(
				"--enclave.ratelimit.store-url=jdbc:postgresql://127.0.0.1:1/unreachable",
				"--enclave.ratelimit.store-timeout=1s")) {
			EntityExchangeResult<byte[]> result = ReplicaApps.client(replica).get()
				.uri("/v1/models")
				.headers((headers) -> headers.setBearerAuth(admin))
				.exchange()
				.expectBody()
				.returnResult();
			Envelopes.assertEnvelope(result, 503, "ratelimit_unavailable", "server_error");
			assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
			String metrics = ReplicaApps.prometheus(replica);
			assertThat(metrics).containsPattern("enclave_ratelimit_decisions_total\\{[^}]*limit=\"store\",[^}]*outcome=\"fail_closed\"");
			assertThat(metrics).containsPattern("enclave_admission_rejections_total\\{[^}]*reason=\"ratelimit_unavailable\"[^}]*} [1-9]");
		}
	}

	@Test
	void aSingleNodeCanKeepItsLimitsInMemory() {
		String admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(admin, "memory", "chat");
		http().put()
			.uri("/api/v1/admin/quotas/key/{id}", created.get("id"))
			.headers((headers) -> headers.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("requests_per_minute", 2))
			.exchange()
			.expectStatus()
			.isOk();
		try (ConfigurableApplicationContext replica = ReplicaApps.start("--enclave.ratelimit.store=memory")) {
			WebTestClient client = ReplicaApps.client(replica);
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				statuses.add(client.get()
					.uri("/v1/models")
					.headers((headers) -> headers.setBearerAuth((String) created.get("key")))
					.exchange()
					.expectBody()
					.returnResult()
					.getStatus()
					.value());
			}
			assertThat(statuses).containsExactly(200, 200, 429);
		}
		// Memory is this node's own: the shared buckets in PostgreSQL were never touched.
		assertThat(TestDatabase.query("SELECT count(*) FROM ratelimit_buckets WHERE id LIKE 'r:key:" + created.get("id")
				+ ":%'")).containsExactly("0");
	}

	@Test
	void anUnreachableStoreCanFailOpen() {
		String admin = identities().admin();
		try (ConfigurableApplicationContext replica = ReplicaApps.start(
				"--enclave.ratelimit.store-url=jdbc:postgresql://127.0.0.1:1/unreachable",
				"--enclave.ratelimit.store-timeout=1s", "--enclave.ratelimit.failure-mode=open")) {
			EntityExchangeResult<byte[]> result = ReplicaApps.client(replica).get()
				.uri("/v1/models")
				.headers((headers) -> headers.setBearerAuth(admin))
				.exchange()
				.expectBody()
				.returnResult();
			assertThat(result.getStatus().value()).isEqualTo(200);
			assertThat(result.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isNull();
			String metrics = ReplicaApps.prometheus(replica);
			assertThat(metrics).containsPattern("enclave_ratelimit_decisions_total\\{[^}]*limit=\"store\",[^}]*outcome=\"fail_open\"");
		}
	}

}
