package dev.enclave.identity;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log: append-only, per tenant, paged by cursor, for ADMIN and AUDITOR. */
class AuditIT extends EnclaveIT {

	@Autowired
	private ApplicationContext context;

	@Test
	void rowsCannotBeChangedOrRemoved() throws SQLException {
		identities().admin();
		try (Connection db = DriverManager.getConnection(TestDatabase.server().jdbcUrl(), EmbeddedPostgresServer.USER, "");
				Statement statement = db.createStatement()) {
			assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit_events SET actor = 'someone-else'"))
				.hasMessageContaining("append-only");
			assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit_events"))
				.hasMessageContaining("append-only");
			assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit_events")).hasMessageContaining("append-only");
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void auditorPagesThroughEveryEventOnceWithActorActionTargetTimeAndTrace() {
		String tenant = "ledger-" + Identities.uniqueSubject("t").substring(2);
		String admin = identities().sso(tenant, Identities.uniqueSubject("boss"), "ADMIN");
		for (int i = 0; i < 5; i++) {
			identities().createApiKey(admin, "key-" + i, "chat");
		}
		String auditor = identities().sso(tenant, Identities.uniqueSubject("auditor"), "AUDITOR");
		Set<String> seen = new HashSet<>();
		String cursor = null;
		int pages = 0;
		do {
			String uri = "/api/v1/audit?limit=2" + ((cursor != null) ? "&cursor=" + cursor : "");
			Map<String, Object> page = http().get().uri(uri).headers((h) -> h.setBearerAuth(auditor)).exchange()
				.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
			for (Map<String, Object> event : (List<Map<String, Object>>) page.get("data")) {
				assertThat(seen.add((String) event.get("id"))).as("each event once").isTrue();
				assertThat(event).containsKeys("actor", "action", "target", "trace_id", "occurred_at");
			}
			cursor = (String) page.get("next_cursor");
			pages++;
		}
		while (cursor != null && pages < 20);
		// 2 provisioned users + 5 keys created.
		assertThat(seen).hasSize(7);
		assertThat(pages).isEqualTo(4);
	}

	@Test
	void badCursorAndLimitAre400() {
		String admin = identities().admin();
		http().get().uri("/api/v1/audit?cursor=not-a-cursor").headers((h) -> h.setBearerAuth(admin)).exchange()
			.expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("cursor");
		http().get().uri("/api/v1/audit?limit=0").headers((h) -> h.setBearerAuth(admin)).exchange()
			.expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("limit");
	}

	@Test
	void securityHeadersAreSentOnApiResponses() {
		String admin = identities().admin();
		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(admin)).exchange().expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff").expectHeader()
			.valueEquals("X-Frame-Options", "DENY").expectHeader()
			.valueEquals("X-XSS-Protection", "0").expectHeader()
			.valueEquals("Referrer-Policy", "no-referrer").expectHeader()
			.valueEquals("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate").expectHeader()
			.valueEquals("Pragma", "no-cache").expectHeader()
			.doesNotExist("Strict-Transport-Security");
		// A refusal by the chain itself, before any handler, carries them too.
		http().get().uri("/api/v1/me").exchange().expectStatus().isUnauthorized().expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff").expectHeader()
			.valueEquals("X-Frame-Options", "DENY");
	}

	@Test
	void theSecurityFiltersRunInAPlainChainWhileTheirObservationsAreOff() {
		WebFilterChainProxy proxy = this.context.getBean(WebFilterChainProxy.class);
		assertThat(ReflectionTestUtils.getField(proxy, "filterChainDecorator")).as("the chain of every request")
			.hasToString("PlainFilterChains");
	}

}
