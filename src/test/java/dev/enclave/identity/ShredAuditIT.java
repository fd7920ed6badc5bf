package dev.enclave.identity;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** A crypto-shred lands in the tenant's audit log once, by id, without content. */
class ShredAuditIT extends EnclaveIT {

	private static final String SECRET = "please erase zhang.san@example.com";

	@Autowired
	ContentCipher cipher;

	@Autowired
	CryptoShredder shredder;

	@Test
	@SuppressWarnings("unchecked")
	void theShredIsAuditedBeforeShredCompletesOnceAndWithoutContent() {
		String tenantSlug = "shred-" + Identities.uniqueSubject("t").substring(2);
		String admin = identities().sso(tenantSlug, Identities.uniqueSubject("boss"), "ADMIN");
		String auditor = identities().sso(tenantSlug, Identities.uniqueSubject("auditor"), "AUDITOR");
		TenantId tenant = tenantOf(admin);
		ConversationId conversation = ConversationId.random();
		this.cipher.seal(new ContentRef(tenant, conversation, UUID.randomUUID(), "content"), SECRET).block();

		this.shredder.shred(tenant, conversation).block();
		this.shredder.shred(tenant, conversation).block();

		for (String reader : List.of(admin, auditor)) {
			String body = auditBody(reader);
			assertThat(body).doesNotContain(SECRET).doesNotContain("zhang.san");
			Map<String, Object> page = http().get()
				.uri("/api/v1/audit?action=conversation_shredded")
				.headers((h) -> h.setBearerAuth(reader))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			assertThat((List<Map<String, Object>>) page.get("data")).as("one row, though shredded twice")
				.singleElement()
				.satisfies((event) -> {
					assertThat(event).containsOnlyKeys("id", "actor", "action", "target", "trace_id", "occurred_at");
					assertThat(event).containsEntry("actor", AuditEvent.SYSTEM)
						.containsEntry("action", "conversation_shredded")
						.containsEntry("target", conversation.toString());
				});
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void anotherTenantDoesNotSeeTheShred() {
		String admin = identities().sso("shred-" + Identities.uniqueSubject("t").substring(2),
				Identities.uniqueSubject("boss"), "ADMIN");
		TenantId tenant = tenantOf(admin);
		ConversationId conversation = ConversationId.random();
		this.cipher.seal(new ContentRef(tenant, conversation, UUID.randomUUID(), "content"), SECRET).block();
		this.shredder.shred(tenant, conversation).block();

		assertThat(auditBody(identities().admin())).doesNotContain(conversation.toString());
	}

	private String auditBody(String token) {
		return http().get()
			.uri("/api/v1/audit?action=conversation_shredded&limit=100")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private TenantId tenantOf(String token) {
		Map<String, Object> me = http().get()
			.uri("/api/v1/me")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return new TenantId(UUID.fromString((String) ((Map<String, Object>) me.get("tenant")).get("id")));
	}

}
