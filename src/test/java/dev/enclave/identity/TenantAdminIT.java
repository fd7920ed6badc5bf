package dev.enclave.identity;

import java.util.List;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static dev.enclave.support.Envelopes.details;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/admin/tenants}: the installation's operators create tenants with their first
 * administrator, list them, and suspend and restore them; a suspended tenant's credentials
 * of every kind stop working on the next request. Everything audited on both sides.
 */
class TenantAdminIT extends EnclaveIT {

	private static final String TENANTS = "/api/v1/admin/tenants";

	private static final String PASSWORD = "first-admin-password-1";

	@Test
	@SuppressWarnings("unchecked")
	void aCreatedTenantsAdminSignsInAndSeesOnlyItsOwnTenant() {
		String operator = identities().admin();
		String slug = uniqueSlug();
		String username = Identities.uniqueSubject("boss");

		Map<String, Object> created = create(operator, slug, username);

		Map<String, Object> tenant = (Map<String, Object>) created.get("tenant");
		assertThat(tenant).containsEntry("slug", slug).containsEntry("name", "Tenant " + slug);
		assertThat(tenant.get("disabled_at")).isNull();
		assertThat((Map<String, Object>) created.get("admin")).containsEntry("username", username)
			.containsEntry("roles", List.of("ADMIN"));
		String tenantId = (String) tenant.get("id");

		String boss = (String) identities().login(username, PASSWORD).get("access_token");
		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(boss)).exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.tenant.slug").isEqualTo(slug)
			.jsonPath("$.roles[0]").isEqualTo("ADMIN");
		http().get().uri("/api/v1/users").headers((h) -> h.setBearerAuth(boss)).exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.data.length()").isEqualTo(1)
			.jsonPath("$.data[0].username").isEqualTo(username);
		assertEnvelope(http().get().uri(TENANTS).headers((h) -> h.setBearerAuth(boss)).exchange().expectBody()
			.returnResult(), 403, "forbidden", "permission_error");

		Map<String, Object> listed = findListed(operator, tenantId);
		assertThat(listed).containsEntry("slug", slug).containsEntry("users", 1);
		assertThat(listed).containsKeys("created_at", "disabled_at");

		assertThat(audit(operator, "tenant_created")).anySatisfy((event) -> assertThat(event)
			.containsEntry("target", tenantId)
			.containsEntry("actor", identities().me(operator)));
		assertThat(audit(boss, "tenant_created")).singleElement().satisfies((event) -> assertThat(event)
			.containsEntry("target", tenantId));
		assertThat(audit(boss, "user_created")).singleElement().satisfies((event) -> assertThat(event)
			.containsEntry("target", identities().me(boss))
			.containsEntry("actor", identities().me(operator)));
	}

	@Test
	@SuppressWarnings("unchecked")
	void aDisabledTenantsTokensAndKeysAreRefusedAtOnceAndWorkAgainWhenEnabled() {
		String operator = identities().admin();
		String slug = uniqueSlug();
		String username = Identities.uniqueSubject("boss");
		String tenantId = (String) ((Map<String, Object>) create(operator, slug, username).get("tenant")).get("id");
		Map<String, Object> signedIn = identities().login(username, PASSWORD);
		String local = (String) signedIn.get("access_token");
		String refresh = (String) signedIn.get("refresh_token");
		String key = (String) identities().createApiKey(local, "crm", "chat").get("key");
		String sso = identities().sso(slug, Identities.uniqueSubject("agent"), "AGENT");
		assertAccess(local, key, sso, 200);

		http().post().uri(TENANTS + "/" + tenantId + "/disable").headers((h) -> h.setBearerAuth(operator)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.slug").isEqualTo(slug)
			.jsonPath("$.disabled_at").isNotEmpty();

		assertAccess(local, key, sso, 401);
		assertEnvelope(http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "password", PASSWORD)).exchange().expectBody().returnResult(), 401,
				"unauthenticated", "authentication_error");
		assertThat(findListed(operator, tenantId).get("disabled_at")).isNotNull();
		// A refresh is refused as well, and audited as what it is, not as a stolen token reused.
		assertEnvelope(http().post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("refresh_token", refresh)).exchange().expectBody().returnResult(), 401,
				"unauthenticated", "authentication_error");

		http().post().uri(TENANTS + "/" + tenantId + "/enable").headers((h) -> h.setBearerAuth(operator)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.disabled_at").isEmpty();

		assertAccess(local, key, sso, 200);
		assertThat(audit(local, "refresh_refused_inactive")).singleElement();
		assertThat(audit(local, "refresh_reuse_detected")).isEmpty();
		for (String action : List.of("tenant_disabled", "tenant_enabled")) {
			assertThat(audit(operator, action)).anySatisfy((event) -> assertThat(event).containsEntry("target", tenantId));
			assertThat(audit(local, action)).singleElement()
				.satisfies((event) -> assertThat(event).containsEntry("target", tenantId));
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void theInstallationsOwnTenantCannotBeDisabled() {
		String operator = identities().admin();
		Map<String, Object> me = http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(operator)).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		String own = (String) ((Map<String, Object>) me.get("tenant")).get("id");
		assertEnvelope(http().post().uri(TENANTS + "/" + own + "/disable").headers((h) -> h.setBearerAuth(operator))
			.exchange().expectBody().returnResult(), 409, "conflict", "conflict_error");
		assertEnvelope(http().post().uri(TENANTS + "/" + java.util.UUID.randomUUID() + "/disable")
			.headers((h) -> h.setBearerAuth(operator)).exchange().expectBody().returnResult(), 404, "not_found",
				"not_found_error");
	}

	@Test
	void anotherTenantsAdministratorIsForbiddenEverything() {
		String operator = identities().admin();
		String other = identities().sso(uniqueSlug(), Identities.uniqueSubject("boss"), "ADMIN");
		String ownTenant = tenantOf(operator);
		List<EntityExchangeResult<byte[]>> attempts = List.of(
				http().get().uri(TENANTS).headers((h) -> h.setBearerAuth(other)).exchange().expectBody().returnResult(),
				http().post().uri(TENANTS).headers((h) -> h.setBearerAuth(other)).contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body(uniqueSlug(), Identities.uniqueSubject("x"))).exchange().expectBody().returnResult(),
				http().post().uri(TENANTS + "/" + ownTenant + "/disable").headers((h) -> h.setBearerAuth(other))
					.exchange().expectBody().returnResult());
		for (EntityExchangeResult<byte[]> attempt : attempts) {
			assertEnvelope(attempt, 403, "forbidden", "permission_error");
		}
		// An agent of the installation's tenant lacks the admin scope.
		String agent = identities().sso("default", Identities.uniqueSubject("agent"), "AGENT");
		assertEnvelope(http().get().uri(TENANTS).headers((h) -> h.setBearerAuth(agent)).exchange().expectBody()
			.returnResult(), 403, "forbidden", "permission_error");
	}

	@Test
	void aTakenSlugIsAConflictAndABadSlugIsInvalid() {
		String operator = identities().admin();
		String slug = uniqueSlug();
		create(operator, slug, Identities.uniqueSubject("first"));
		JsonNode taken = assertEnvelope(post(operator, body(slug, Identities.uniqueSubject("second"))), 409, "conflict",
				"conflict_error");
		assertThat(details(taken)).containsExactly("slug: is taken");
		JsonNode takenName = assertEnvelope(post(operator, body(uniqueSlug(), "admin")), 409, "conflict",
				"conflict_error");
		assertThat(details(takenName)).containsExactly("admin.username: is taken");

		JsonNode bad = assertEnvelope(post(operator, Map.of("slug", "Not A Slug!", "name", "x", "admin",
				Map.of("username", "ok-name", "password", "short"))), 400, "invalid_request", "invalid_request_error");
		assertThat(details(bad)).anySatisfy((issue) -> assertThat(issue).startsWith("slug: must be 1 to 63"))
			.anySatisfy((issue) -> assertThat(issue).startsWith("admin.password: size must be between 12"));
	}

	private void assertAccess(String local, String key, String sso, int status) {
		for (String credential : List.of(local, sso)) {
			http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(credential)).exchange().expectStatus()
				.isEqualTo(status);
		}
		http().get().uri("/v1/models").headers((h) -> h.setBearerAuth(key)).exchange().expectStatus().isEqualTo(status);
		if (status == 401) {
			assertEnvelope(http().get().uri("/v1/models").headers((h) -> h.setBearerAuth(key)).exchange().expectBody()
				.returnResult(), 401, "unauthenticated", "authentication_error");
			assertEnvelope(http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(sso)).exchange().expectBody()
				.returnResult(), 401, "unauthenticated", "authentication_error");
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> create(String operator, String slug, String username) {
		return http().post()
			.uri(TENANTS)
			.headers((h) -> h.setBearerAuth(operator))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body(slug, username))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private EntityExchangeResult<byte[]> post(String operator, Map<String, Object> body) {
		return http().post().uri(TENANTS).headers((h) -> h.setBearerAuth(operator))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody().returnResult();
	}

	private static Map<String, Object> body(String slug, String username) {
		return Map.of("slug", slug, "name", "Tenant " + slug, "admin", Map.of("username", username, "password", PASSWORD));
	}

	/** Follows the pages until the tenant shows up. */
	@SuppressWarnings("unchecked")
	private Map<String, Object> findListed(String operator, String tenantId) {
		String cursor = null;
		do {
			String uri = TENANTS + "?limit=100" + ((cursor != null) ? "&cursor=" + cursor : "");
			Map<String, Object> page = http().get().uri(uri).headers((h) -> h.setBearerAuth(operator)).exchange()
				.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
			for (Map<String, Object> row : (List<Map<String, Object>>) page.get("data")) {
				if (tenantId.equals(row.get("id"))) {
					return row;
				}
			}
			cursor = (String) page.get("next_cursor");
		}
		while (cursor != null);
		throw new AssertionError("tenant " + tenantId + " is not listed");
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> audit(String token, String action) {
		Map<String, Object> page = http().get().uri("/api/v1/audit?limit=100&action=" + action)
			.headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isOk().expectBody(Map.class)
			.returnResult().getResponseBody();
		return (List<Map<String, Object>>) page.get("data");
	}

	@SuppressWarnings("unchecked")
	private String tenantOf(String token) {
		Map<String, Object> me = http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(token)).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		return (String) ((Map<String, Object>) me.get("tenant")).get("id");
	}

	private static String uniqueSlug() {
		return Identities.uniqueSubject("t").replace('-', '.').toLowerCase(java.util.Locale.ROOT);
	}

}
