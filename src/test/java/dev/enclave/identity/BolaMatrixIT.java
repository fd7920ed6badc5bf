package dev.enclave.identity;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broken object-level authorisation, tried systematically: two tenants, two callers of each
 * role in each, every identity endpoint, against resources of the caller's own tenant and of
 * the other. Another tenant's resource is always 404; a caller without the endpoint's scope
 * gets 403 whatever the id, so neither answer tells whether a foreign id exists.
 */
class BolaMatrixIT extends EnclaveIT {

	enum Caller {

		AGENT, ADMIN, AUDITOR, APP

	}

	record Tenant(String slug, Map<Caller, List<String>> tokens, String userId, String apiKeyId, String apiKey) {
	}

	private Tenant north;

	private Tenant south;

	@BeforeEach
	void twoTenants() {
		this.north = tenant("north");
		this.south = tenant("south");
	}

	@Test
	void nobodyReachesAcrossTenantsAndScopesGateEveryEndpoint() {
		List<String> mismatches = new ArrayList<>();
		for (Tenant own : List.of(this.north, this.south)) {
			Tenant other = (own == this.north) ? this.south : this.north;
			for (Caller caller : Caller.values()) {
				for (String token : own.tokens().get(caller)) {
					boolean admin = caller == Caller.ADMIN;
					boolean auditor = admin || caller == Caller.AUDITOR;
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/me", null, 200);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/users", null, admin ? 200 : 403);
					check(mismatches, caller, token, HttpMethod.POST, "/api/v1/users",
							Map.of("username", Identities.uniqueSubject("made"), "password", "a-long-enough-password",
									"roles", List.of("AGENT")),
							admin ? 201 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/users/" + own.userId(), null,
							admin ? 200 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/users/" + other.userId(), null,
							admin ? 404 : 403);
					check(mismatches, caller, token, HttpMethod.PATCH, "/api/v1/users/" + other.userId(),
							Map.of("enabled", false), admin ? 404 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/api-keys", null, admin ? 200 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/api-keys/" + own.apiKeyId(), null,
							admin ? 200 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/api-keys/" + other.apiKeyId(), null,
							admin ? 404 : 403);
					check(mismatches, caller, token, HttpMethod.DELETE, "/api/v1/api-keys/" + other.apiKeyId(), null,
							admin ? 404 : 403);
					check(mismatches, caller, token, HttpMethod.GET, "/api/v1/audit", null, auditor ? 200 : 403);
				}
			}
		}
		assertThat(mismatches).as("unexpected answers").isEmpty();

		// Nothing across the line changed: the other tenant's user and key still work.
		for (Tenant tenant : List.of(this.north, this.south)) {
			http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(tenant.tokens().get(Caller.AGENT).get(0)))
				.exchange().expectStatus().isOk();
			http().get().uri("/api/v1/me").header("X-API-Key", tenant.apiKey()).exchange().expectStatus().isOk();
		}
	}

	@Test
	void listsShowOnlyTheCallersTenant() {
		for (Tenant own : List.of(this.north, this.south)) {
			Tenant other = (own == this.north) ? this.south : this.north;
			String admin = own.tokens().get(Caller.ADMIN).get(0);
			for (String path : List.of("/api/v1/users?limit=100", "/api/v1/api-keys", "/api/v1/audit?limit=100")) {
				String body = http().get().uri(path).headers((h) -> h.setBearerAuth(admin)).exchange()
					.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
				assertThat(body).as(path).doesNotContain(other.userId()).doesNotContain(other.apiKeyId());
			}
			http().get().uri("/api/v1/users?limit=100").headers((h) -> h.setBearerAuth(admin)).exchange()
				.expectBody(String.class).value((body) -> assertThat(body).contains(own.userId()));
		}
	}

	private void check(List<String> mismatches, Caller caller, String token, HttpMethod method, String path,
			Object body, int expected) {
		var request = http().method(method).uri(path).headers((h) -> {
			if (token.startsWith("ek_")) {
				h.set("X-API-Key", token);
			}
			else {
				h.setBearerAuth(token);
			}
		});
		EntityExchangeResult<byte[]> result = ((body != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request)
			.exchange()
			.expectBody()
			.returnResult();
		int status = result.getStatus().value();
		if (status != expected) {
			mismatches.add(caller + " " + method + " " + path + ": expected " + expected + ", got " + status);
			return;
		}
		if (status == 403) {
			Envelopes.assertEnvelope(result, 403, "forbidden", "permission_error");
		}
		if (status == 404) {
			Envelopes.assertEnvelope(result, 404, "not_found", "not_found_error");
		}
	}

	private Tenant tenant(String slug) {
		Map<Caller, List<String>> tokens = new EnumMap<>(Caller.class);
		for (Caller role : List.of(Caller.AGENT, Caller.ADMIN, Caller.AUDITOR)) {
			tokens.put(role, List.of(identities().sso(slug, Identities.uniqueSubject(slug + "-" + role), role.name()),
					identities().sso(slug, Identities.uniqueSubject(slug + "-" + role), role.name())));
		}
		String admin = tokens.get(Caller.ADMIN).get(0);
		Map<String, Object> firstKey = identities().createApiKey(admin, slug + "-app-1", "chat", "conversations:read");
		Map<String, Object> secondKey = identities().createApiKey(admin, slug + "-app-2", "chat");
		tokens.put(Caller.APP, List.of((String) firstKey.get("key"), (String) secondKey.get("key")));
		Map<Caller, List<String>> ordered = new LinkedHashMap<>(tokens);
		String userId = identities().me(tokens.get(Caller.AGENT).get(0));
		return new Tenant(slug, ordered, userId, (String) firstKey.get("id"), (String) firstKey.get("key"));
	}

}
