package dev.enclave.identity;

import java.time.Duration;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.ReplicaApps;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credentials are cached per replica, and what ends them still ends them everywhere: a
 * second replica whose cache would trust a credential for ten minutes refuses it within
 * seconds of its revocation on the first, because the change is sent to every replica by a
 * PostgreSQL notification. A new key works at once everywhere (nothing negative is cached),
 * and {@code last_used_at} is written in batches, the last one on a graceful shutdown.
 */
class CredentialCacheIT extends EnclaveIT {

	/** Far longer than any wait below: only the notification can explain a quick refusal. */
	private static final String LONG_TTL = "--enclave.auth.credential-cache.ttl=10m";

	@Test
	void revocationsLogoutsAndDisablingReachAReplicaThatCachedTheCredential() {
		String admin = identities().admin();
		try (ConfigurableApplicationContext replica = ReplicaApps.start(LONG_TTL)) {
			WebTestClient second = ReplicaApps.client(replica);
			// A key created here works there at once, and is then cached there.
			Map<String, Object> created = identities().createApiKey(admin, "cached-" + Identities.uniqueSubject("k"), "chat");
			String key = (String) created.get("key");
			assertThat(status(second, key, "/v1/models")).isEqualTo(200);
			assertThat(status(second, key, "/v1/models")).isEqualTo(200);
			http().delete()
				.uri("/api/v1/api-keys/{id}", created.get("id"))
				.headers((headers) -> headers.setBearerAuth(admin))
				.exchange()
				.expectStatus()
				.is2xxSuccessful();
			// On the replica that revoked it, at once; on the other, as soon as the notification lands.
			assertThat(status(http(), key, "/v1/models")).isEqualTo(401);
			await().atMost(Duration.ofSeconds(5)).until(() -> status(second, key, "/v1/models") == 401);

			// A logout on one replica ends the session's access tokens on the other.
			String name = Identities.uniqueSubject("agent");
			String userId = identities().createUser(admin, name, "agent-password-42", "AGENT");
			Map<String, Object> tokens = identities().login(name, "agent-password-42");
			String access = (String) tokens.get("access_token");
			assertThat(status(second, access, "/api/v1/me")).isEqualTo(200);
			http().post()
				.uri("/api/v1/auth/logout")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("refresh_token", tokens.get("refresh_token")))
				.exchange()
				.expectStatus()
				.isNoContent();
			await().atMost(Duration.ofSeconds(5)).until(() -> status(second, access, "/api/v1/me") == 401);

			// Disabling the user ends a session the other replica cached.
			String again = (String) identities().login(name, "agent-password-42").get("access_token");
			assertThat(status(second, again, "/api/v1/me")).isEqualTo(200);
			http().patch()
				.uri("/api/v1/users/{id}", userId)
				.headers((headers) -> headers.setBearerAuth(admin))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("enabled", false))
				.exchange()
				.expectStatus()
				.isOk();
			await().atMost(Duration.ofSeconds(5)).until(() -> status(second, again, "/api/v1/me") == 401);
		}
	}

	@Test
	void lastUsedIsWrittenInBatchesAndOnAGracefulShutdown() {
		String admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(admin, "used-" + Identities.uniqueSubject("k"), "chat");
		String key = (String) created.get("key");
		String lastUsed = "SELECT coalesce(last_used_at::text, 'never') FROM api_keys WHERE id = '" + created.get("id") + "'";
		ConfigurableApplicationContext replica = ReplicaApps.start(LONG_TTL,
				"--enclave.auth.credential-cache.last-used-flush=10m");
		try {
			assertThat(status(ReplicaApps.client(replica), key, "/v1/models")).isEqualTo(200);
			// Not one UPDATE per request: nothing is written until the batch is.
			assertThat(TestDatabase.query(lastUsed)).containsExactly("never");
		}
		finally {
			replica.close();
		}
		assertThat(TestDatabase.query(lastUsed)).doesNotContain("never");
	}

	private static int status(WebTestClient client, String credential, String path) {
		return client.get()
			.uri(path)
			.headers((headers) -> headers.setBearerAuth(credential))
			.exchange()
			.expectBody()
			.returnResult()
			.getStatus()
			.value();
	}

}
