package dev.enclave.identity;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/admin/keys/rewrap}: the re-wrap job over HTTP, for administrators of
 * the installation's own tenant only, audited.
 */
class KeyAdminIT extends EnclaveIT {

	private static final String REWRAP = "/api/v1/admin/keys/rewrap";

	@Autowired
	ContentCipher cipher;

	@Autowired
	DatabaseClient db;

	@Test
	@SuppressWarnings("unchecked")
	void theInstallationAdminReWrapsAndEveryLiveDataKeyIsWrappedByTheReportedPrimary() {
		this.cipher.seal(new ContentRef(new TenantId(UUID.randomUUID()), ConversationId.random(), UUID.randomUUID(),
				"content"), "something to keep").block();
		String admin = identities().admin();

		Map<String, Object> report = rewrap(admin);

		assertThat(report).containsOnlyKeys("primary_key_id", "rewrapped", "skipped", "failed")
			.containsEntry("failed", 0);
		long primary = ((Number) report.get("primary_key_id")).longValue();
		assertThat(this.db.sql("SELECT DISTINCT kek_key_id FROM data_keys WHERE destroyed_at IS NULL")
			.map((row) -> row.get(0, Long.class))
			.all()
			.collectList()
			.block()).as("every live data key is wrapped by the primary").containsExactly(primary);
		assertThat(rewrap(admin)).as("a second run has nothing to do")
			.containsEntry("primary_key_id", report.get("primary_key_id"))
			.containsEntry("rewrapped", 0)
			.containsEntry("failed", 0);

		Map<String, Object> audit = http().get()
			.uri("/api/v1/audit?action=keys_rewrapped&limit=1")
			.headers((h) -> h.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((List<Map<String, Object>>) audit.get("data")).singleElement().satisfies((event) -> {
			assertThat(event).containsEntry("actor", identities().me(admin)).containsEntry("action", "keys_rewrapped");
			assertThat(event.get("target")).isNull();
			assertThat(event.get("trace_id")).isNotNull();
		});
	}

	@Test
	void anotherTenantsAdminIsForbidden() {
		String otherAdmin = identities().sso("rewrap-" + Identities.uniqueSubject("t").substring(2),
				Identities.uniqueSubject("boss"), "ADMIN");
		assertEnvelope(http().post().uri(REWRAP).headers((h) -> h.setBearerAuth(otherAdmin)).exchange().expectBody()
			.returnResult(), 403, "forbidden", "permission_error");
		http().get()
			.uri("/api/v1/audit?action=keys_rewrapped")
			.headers((h) -> h.setBearerAuth(otherAdmin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.length()")
			.isEqualTo(0);
	}

	@Test
	void withoutTheAdminScopeItIsForbiddenAndWithoutCredentialsUnauthenticated() {
		String admin = identities().admin();
		String chatKey = (String) identities().createApiKey(admin, "rewrap-chat", "chat", "audit:read").get("key");
		String auditor = identities().sso("default", Identities.uniqueSubject("auditor"), "AUDITOR");
		for (String credential : List.of(chatKey, auditor)) {
			assertEnvelope(http().post().uri(REWRAP).headers((h) -> h.setBearerAuth(credential)).exchange()
				.expectBody().returnResult(), 403, "forbidden", "permission_error");
		}
		assertEnvelope(http().post().uri(REWRAP).exchange().expectBody().returnResult(), 401, "unauthenticated",
				"authentication_error");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> rewrap(String token) {
		return http().post()
			.uri(REWRAP)
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

}
