package dev.enclave.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static dev.enclave.support.Envelopes.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** API keys: shown once, stored as a hash, accepted two ways, revoked at once. */
class ApiKeyIT extends EnclaveIT {

	@Test
	void keyIsShownOnceAndWorksAsBearerAndAsHeader() {
		String admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(admin, "crm-sync", "chat", "conversations:read");
		String key = (String) created.get("key");
		assertThat(key).matches("ek_live_[A-Za-z0-9]{32}");
		assertThat(created.get("prefix")).isEqualTo(key.substring(0, 12));
		assertThat(created.get("scopes")).isEqualTo(List.of("chat", "conversations:read"));

		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(key)).exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.auth_method").isEqualTo("api_key")
			.jsonPath("$.roles[0]").isEqualTo("APP")
			.jsonPath("$.scopes.length()").isEqualTo(2);
		http().get().uri("/api/v1/me").header("X-API-Key", key).exchange().expectStatus().isOk();

		String listing = http().get()
			.uri("/api/v1/api-keys")
			.headers((h) -> h.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(listing).contains((String) created.get("id")).contains((String) created.get("prefix")).doesNotContain(key);
	}

	@Test
	void revokedKeyFailsOnTheNextRequest() {
		String admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(admin, "to-revoke", "chat");
		String key = (String) created.get("key");
		http().get().uri("/api/v1/me").header("X-API-Key", key).exchange().expectStatus().isOk();
		http().delete()
			.uri("/api/v1/api-keys/" + created.get("id"))
			.headers((h) -> h.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertEnvelope(http().get().uri("/api/v1/me").header("X-API-Key", key).exchange().expectBody().returnResult(),
				401, "unauthenticated", "authentication_error");
		http().get()
			.uri("/api/v1/api-keys/" + created.get("id"))
			.headers((h) -> h.setBearerAuth(admin))
			.exchange()
			.expectBody()
			.jsonPath("$.revoked")
			.isEqualTo(true)
			.jsonPath("$.last_used_at")
			.isNotEmpty();
	}

	@Test
	void expiredKeyIsRefused() {
		String admin = identities().admin();
		// Expiry is checked on every use, so a key that resolved (and sits in the credential cache)
		// stops working the moment it expires, with no notification to carry it.
		Instant expiresAt = Instant.now().plusSeconds(3);
		Map<String, Object> created = identities().createApiKey(admin,
				Map.of("name", "short-lived", "scopes", List.of("chat"), "expires_at", expiresAt.toString()));
		String key = (String) created.get("key");
		http().get().uri("/api/v1/me").header("X-API-Key", key).exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !Instant.now().isBefore(expiresAt));
		assertEnvelope(http().get().uri("/api/v1/me").header("X-API-Key", key).exchange().expectBody().returnResult(),
				401, "unauthenticated", "authentication_error");
	}

	@Test
	void scopesAreEnforcedAndValidated() {
		String admin = identities().admin();
		String chatOnly = (String) identities().createApiKey(admin, "chat-only", "chat").get("key");
		assertEnvelope(http().get().uri("/api/v1/api-keys").headers((h) -> h.setBearerAuth(chatOnly)).exchange()
			.expectBody().returnResult(), 403, "forbidden", "permission_error");

		JsonNode error = assertEnvelope(http().post()
			.uri("/api/v1/api-keys")
			.headers((h) -> h.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "bad", "scopes", List.of("chat", "root"), "expires_at", "2001-01-01T00:00:00Z"))
			.exchange()
			.expectBody()
			.returnResult(), 400, "invalid_request", "invalid_request_error");
		assertThat(details(error)).hasSize(2)
			.anySatisfy((detail) -> assertThat(detail).startsWith("scopes[1]: is not a known scope"))
			.contains("expires_at: must be in the future");
	}

	@Test
	void anAdminKeyCanManageKeys() {
		String admin = identities().admin();
		String adminKey = (String) identities().createApiKey(admin, "provisioner", "admin").get("key");
		Map<String, Object> created = identities().createApiKey(adminKey, "made-by-a-key", "chat");
		assertThat(created.get("key")).isNotNull();
	}

}
