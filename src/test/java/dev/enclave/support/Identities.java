package dev.enclave.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Credentials for integration tests, all obtained the way a real client would: local login
 * over HTTP, SSO tokens from the test OIDC provider, API keys created through the API.
 */
public final class Identities {

	/** The bootstrap administrator's password in tests. */
	public static final String ADMIN_PASSWORD = "it-admin-password-42";

	private final WebTestClient http;

	public Identities(WebTestClient http) {
		this.http = http;
	}

	/** Logs in with a local account; returns the whole token response. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> login(String username, String password) {
		return this.http.post()
			.uri("/api/v1/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "password", password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	/** An access token of the bootstrap administrator (tenant {@code default}). */
	public String admin() {
		return (String) login("admin", ADMIN_PASSWORD).get("access_token");
	}

	/** An SSO token for a user of {@code tenant} with these groups (role names). */
	public String sso(String tenant, String subject, String... groups) {
		return TestIdentityProvider.token(tenant, subject, groups);
	}

	/** A fresh SSO subject, so tests never share users. */
	public static String uniqueSubject(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Creates a local user in the caller's tenant; returns its id. */
	@SuppressWarnings("unchecked")
	public String createUser(String adminToken, String username, String password, String... roles) {
		Map<String, Object> user = this.http.post()
			.uri("/api/v1/users")
			.headers((headers) -> headers.setBearerAuth(adminToken))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "password", password, "roles", List.of(roles)))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) user.get("id");
	}

	/** Creates an API key in the caller's tenant; returns the whole response, key included. */
	public Map<String, Object> createApiKey(String adminToken, String name, String... scopes) {
		return createApiKey(adminToken, Map.of("name", name, "scopes", List.of(scopes)));
	}

	/** Creates an API key from a whole request body ({@code name}, {@code scopes}, {@code priority}, ...). */
	@SuppressWarnings("unchecked")
	public Map<String, Object> createApiKey(String adminToken, Map<String, Object> body) {
		return this.http.post()
			.uri("/api/v1/api-keys")
			.headers((headers) -> headers.setBearerAuth(adminToken))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	/** The id of the caller, from {@code /api/v1/me}. */
	@SuppressWarnings("unchecked")
	public String me(String token) {
		Map<String, Object> me = this.http.get()
			.uri("/api/v1/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (String) me.get("id");
	}

}
