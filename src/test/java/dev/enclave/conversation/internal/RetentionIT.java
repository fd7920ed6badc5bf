package dev.enclave.conversation.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention: a tenant's setting gives its conversations a deadline, and the job erases
 * (crypto-shreds) exactly those past it, once, even with two passes racing.
 */
class RetentionIT extends EnclaveIT {

	@Autowired
	RetentionJob job;

	@Test
	void theJobShredsWhatIsDueAndNothingElse() {
		Chats chats = new Chats(http());
		String admin = identities().sso("retain", Identities.uniqueSubject("admin"), "ADMIN");
		String agent = identities().sso("retain", Identities.uniqueSubject("agent"), "AGENT");
		String elsewhere = identities().sso("retain-not", Identities.uniqueSubject("agent"), "AGENT");
		setRetention(admin, 30).expectStatus().isOk().expectBody().jsonPath("$.retention_days").isEqualTo(30);

		String due = chats.createId(agent, "Old case");
		chats.send(agent, due, "Old question");
		String alsoDue = chats.createId(agent, "Another old case");
		String fresh = chats.createId(agent, "New case");
		String otherTenant = chats.createId(elsewhere, "No retention here");
		assertThat(TestDatabase.query("SELECT (retention_until > now() + interval '29 days')::text FROM conversations "
				+ "WHERE id = '" + fresh + "'")).containsExactly("true");
		assertThat(TestDatabase.query("SELECT (retention_until IS NULL)::text FROM conversations WHERE id = '"
				+ otherTenant + "'")).containsExactly("true");
		// Time passes for two of them.
		TestDatabase.update("UPDATE conversations SET retention_until = now() - interval '1 minute' WHERE id IN ('" + due
				+ "', '" + alsoDue + "')");
		TestDatabase.update("UPDATE conversations SET updated_at = now() - interval '400 days' WHERE id = '"
				+ otherTenant + "'");

		// Two replicas' passes at once erase each due conversation exactly once.
		List<Long> erased = Mono.zip(this.job.runOnce(), this.job.runOnce())
			.map((both) -> List.of(both.getT1(), both.getT2()))
			.block(Duration.ofSeconds(60));
		assertThat(erased.get(0) + erased.get(1)).isGreaterThanOrEqualTo(2);
		for (String gone : List.of(due, alsoDue)) {
			assertThat(TestDatabase.query("SELECT count(*) FROM conversations WHERE id = '" + gone + "'"))
				.containsExactly("0");
			assertThat(TestDatabase.query("SELECT (wrapped_key IS NULL)::text FROM data_keys WHERE conversation_id = '"
					+ gone + "'")).containsExactly("true");
			assertThat(TestDatabase.query("SELECT count(*) FROM audit_events WHERE action = 'conversation_expired' "
					+ "AND target = '" + gone + "'")).containsExactly("1");
		}
		assertThat(TestDatabase.query("SELECT count(*) FROM messages WHERE conversation_id = '" + due + "'"))
			.containsExactly("0");
		assertThat(chats.get(agent, fresh).get("title").asText()).isEqualTo("New case");
		assertThat(chats.get(elsewhere, otherTenant).get("title").asText()).isEqualTo("No retention here");

		// Idempotent: nothing more is due.
		assertThat(TestDatabase.query("SELECT count(*) FROM conversations WHERE id IN ('" + fresh + "', '" + otherTenant
				+ "')")).containsExactly("2");
		this.job.runOnce().block(Duration.ofSeconds(60));
		assertThat(TestDatabase.query("SELECT count(*) FROM conversations WHERE id IN ('" + fresh + "', '" + otherTenant
				+ "')")).containsExactly("2");

		// Turning retention off clears the deadlines.
		setRetention(admin, null).expectStatus().isOk();
		assertThat(TestDatabase.query("SELECT (retention_until IS NULL)::text FROM conversations WHERE id = '" + fresh
				+ "'")).containsExactly("true");
	}

	@Test
	void onlyAdminsSetRetentionAndOnlyToSensibleValues() {
		String admin = identities().sso("retain-rules", Identities.uniqueSubject("admin"), "ADMIN");
		String agent = identities().sso("retain-rules", Identities.uniqueSubject("agent"), "AGENT");
		EntityExchangeResult<byte[]> zero = setRetention(admin, 0).expectBody().returnResult();
		assertThat(assertEnvelope(zero, 400, "invalid_request", "invalid_request_error").toString())
			.contains("retention_days");
		assertEnvelope(setRetention(agent, 7).expectBody().returnResult(), 403, "forbidden", "permission_error");
		http().get()
			.uri("/api/v1/retention")
			.headers((headers) -> headers.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.retention_days")
			.doesNotExist();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec setRetention(String token,
			Integer days) {
		return http().put()
			.uri("/api/v1/retention")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue((days != null) ? Map.of("retention_days", days) : Map.of())
			.exchange();
	}

}
