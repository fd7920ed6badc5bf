package dev.enclave.identity;

import java.time.Duration;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static dev.enclave.support.Envelopes.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Local accounts: login, refresh rotation with reuse detection, logout, throttling. */
@ExtendWith(OutputCaptureExtension.class)
class LocalLoginIT extends EnclaveIT {

	@Test
	void loginReturnsBearerTokensThatWork() {
		Map<String, Object> tokens = identities().login("admin", Identities.ADMIN_PASSWORD);
		assertThat(tokens).containsOnlyKeys("access_token", "token_type", "expires_in", "refresh_token");
		assertThat(tokens.get("token_type")).isEqualTo("Bearer");
		assertThat(tokens.get("expires_in")).isEqualTo(900);
		assertThat((String) tokens.get("refresh_token")).startsWith("ert_");
		http().get()
			.uri("/api/v1/me")
			.headers((h) -> h.setBearerAuth((String) tokens.get("access_token")))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.username")
			.isEqualTo("admin")
			.jsonPath("$.auth_method")
			.isEqualTo("local")
			.jsonPath("$.roles[0]")
			.isEqualTo("ADMIN")
			.jsonPath("$.tenant.slug")
			.isEqualTo("default");
	}

	@Test
	void wrongPasswordAndUnknownUserAreTheSameAnswer(CapturedOutput output) {
		String plantedPassword = "planted-secret-Zq81";
		JsonNode wrong = assertEnvelope(login("admin", plantedPassword), 401, "unauthenticated", "authentication_error");
		JsonNode unknown = assertEnvelope(login(Identities.uniqueSubject("nobody"), plantedPassword), 401,
				"unauthenticated", "authentication_error");
		assertThat(wrong.get("message")).isEqualTo(unknown.get("message"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(output.getOut()).contains("Login failed"));
		assertThat(output.getOut()).as("passwords never reach the log").doesNotContain(plantedPassword);
	}

	@Test
	void loginBodyIsValidated() {
		JsonNode error = assertEnvelope(http().post()
			.uri("/api/v1/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"username\": \"\"}")
			.exchange()
			.expectBody()
			.returnResult(), 400, "invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactlyInAnyOrder("username: must not be blank",
				"password: must not be blank");
	}

	@Test
	void repeatedFailuresForOneUserNameAre429WithRetryAfter() {
		String admin = identities().admin();
		String username = Identities.uniqueSubject("victim");
		identities().createUser(admin, username, "a-long-enough-password", "AGENT");
		for (int i = 0; i < 5; i++) {
			assertEnvelope(login(username, "wrong-password-" + i), 401, "unauthenticated", "authentication_error");
		}
		EntityExchangeResult<byte[]> limited = login(username, "a-long-enough-password");
		assertEnvelope(limited, 429, "rate_limit_exceeded", "rate_limit_error");
		long retryAfter = Long.parseLong(limited.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, 15L * 60);
	}

	@Test
	void refreshRotatesAndReuseRevokesTheWholeSession() {
		Map<String, Object> first = identities().login("admin", Identities.ADMIN_PASSWORD);
		Map<String, Object> second = refresh((String) first.get("refresh_token")).expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(second.get("refresh_token")).isNotEqualTo(first.get("refresh_token"));
		String accessAfterRotation = (String) second.get("access_token");
		assertStatus(accessAfterRotation, 200);

		// The first refresh token again: someone kept a copy. The session dies, for everyone.
		assertEnvelope(refresh((String) first.get("refresh_token")).expectBody().returnResult(), 401, "unauthenticated",
				"authentication_error");
		assertStatus(accessAfterRotation, 401);
		assertStatus((String) first.get("access_token"), 401);
		assertEnvelope(refresh((String) second.get("refresh_token")).expectBody().returnResult(), 401,
				"unauthenticated", "authentication_error");

		String admin = identities().admin();
		http().get()
			.uri("/api/v1/audit?action=refresh_reuse_detected")
			.headers((h) -> h.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].action")
			.isEqualTo("refresh_reuse_detected")
			.jsonPath("$.data[0].trace_id")
			.isNotEmpty();
	}

	@Test
	void logoutEndsAccessAndRefreshTokens() {
		Map<String, Object> tokens = identities().login("admin", Identities.ADMIN_PASSWORD);
		String access = (String) tokens.get("access_token");
		assertStatus(access, 200);
		http().post()
			.uri("/api/v1/auth/logout")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("refresh_token", tokens.get("refresh_token")))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertStatus(access, 401);
		refresh((String) tokens.get("refresh_token")).expectStatus().isUnauthorized();
	}

	@Test
	void disabledUsersTokensStopWorking() {
		String admin = identities().admin();
		String username = Identities.uniqueSubject("leaver");
		String id = identities().createUser(admin, username, "another-long-password", "AGENT");
		String token = (String) identities().login(username, "another-long-password").get("access_token");
		assertStatus(token, 200);
		http().patch()
			.uri("/api/v1/users/" + id)
			.headers((h) -> h.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", false))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.enabled")
			.isEqualTo(false);
		assertStatus(token, 401);
		assertEnvelope(login(username, "another-long-password"), 401, "unauthenticated", "authentication_error");
	}

	@Test
	void administratorsCannotLockThemselvesOut() {
		String admin = identities().admin();
		String me = identities().me(admin);
		JsonNode error = assertEnvelope(http().patch()
			.uri("/api/v1/users/" + me)
			.headers((h) -> h.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", false))
			.exchange()
			.expectBody()
			.returnResult(), 409, "conflict", "conflict_error");
		assertThat(details(error)).containsExactly("enabled: you cannot disable your own account");
	}

	@Test
	void takenUserNameIs409() {
		String admin = identities().admin();
		String username = Identities.uniqueSubject("twin");
		identities().createUser(admin, username, "a-long-enough-password", "AGENT");
		assertEnvelope(http().post()
			.uri("/api/v1/users")
			.headers((h) -> h.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username.toUpperCase(), "password", "a-long-enough-password", "roles",
					java.util.List.of("AGENT")))
			.exchange()
			.expectBody()
			.returnResult(), 409, "conflict", "conflict_error");
	}

	private EntityExchangeResult<byte[]> login(String username, String password) {
		return http().post()
			.uri("/api/v1/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "password", password))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec refresh(String refreshToken) {
		return http().post()
			.uri("/api/v1/auth/refresh")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("refresh_token", refreshToken))
			.exchange();
	}

	private void assertStatus(String accessToken, int status) {
		http().get()
			.uri("/api/v1/me")
			.headers((h) -> h.setBearerAuth(accessToken))
			.exchange()
			.expectStatus()
			.isEqualTo(status);
	}

}
