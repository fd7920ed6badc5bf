package dev.enclave.support;

import java.time.Duration;

import dev.enclave.EnclaveApplication;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import fixtures.GatewayFixtures;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of every integration test: the whole application on a random port, against the real
 * PostgreSQL of {@link TestDatabase}, with the real OIDC provider of
 * {@link TestIdentityProvider}, spoken to over real HTTP on loopback. All subclasses
 * share one application context (same configuration), so it starts once per JVM.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		classes = { EnclaveApplication.class, GatewayFixtures.class })
public abstract class EnclaveIT {

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("enclave.db.url", () -> TestDatabase.server().jdbcUrl());
		registry.add("enclave.db.user", () -> EmbeddedPostgresServer.USER);
		registry.add("enclave.data-dir", () -> TestDatabase.dataDir().toString());
		registry.add("enclave.admin.password", () -> Identities.ADMIN_PASSWORD);
		// Every test client comes from 127.0.0.1; the per-address limit is unit-tested instead.
		registry.add("enclave.auth.failed-logins.per-address", () -> "100000");
		registry.add("enclave.oidc.issuer-uri", TestIdentityProvider::issuer);
		registry.add("enclave.oidc.audience", () -> TestIdentityProvider.AUDIENCE);
		// Long enough that a client can leave mid-answer, short enough for a quick suite.
		registry.add("enclave.assistant.max-answer-tokens", () -> "200");
		// Generous enough that no test meets a limit by accident; rate limit tests set tight
		// limits per key or user through the admin API.
		for (String tier : new String[] { "key", "user", "tenant" }) {
			registry.add("enclave.ratelimit." + tier + ".requests-per-minute", () -> "10000000");
			registry.add("enclave.ratelimit." + tier + ".tokens-per-minute", () -> "1000000000");
			registry.add("enclave.ratelimit." + tier + ".tokens-per-day", () -> "100000000000");
			registry.add("enclave.ratelimit." + tier + ".concurrent-requests", () -> "100000");
		}
	}

	/** Signs in and acts as users and apps of this application. */
	protected Identities identities() {
		return new Identities(http());
	}

	/**
	 * Has the application write the usage rows waiting for their batch, as a usage report
	 * does before it reads: a test that reads {@code usage_events} calls it first.
	 */
	protected void usageWritten() {
		http().get()
			.uri("/api/v1/usage")
			.headers((headers) -> headers.setBearerAuth(identities().admin()))
			.exchange()
			.expectStatus()
			.isOk();
	}

	/** A client on a real socket to the running application. */
	protected WebTestClient http() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			// A scrape after a whole suite's traffic is a few hundred KB: more than the codecs' default.
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

}
