package dev.enclave.conversation;

import java.util.Map;

import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An erased conversation stays erased when its rows come back from an old copy of the
 * database: its data key was shredded, so they cannot be read, and Enclave says so with
 * 410 gone in the envelope instead of failing.
 */
class ErasedConversationIT extends EnclaveIT {

	@Test
	void rowsOfAnErasedConversationRestoredFromABackupAnswerGoneAndStayOutOfLists() {
		Chats chats = new Chats(http());
		String agent = identities().sso("acme", Identities.uniqueSubject("agent"), "AGENT");
		String kept = chats.createId(agent, "Kept");
		String id = chats.createId(agent, "Erased in March");
		chats.send(agent, id, "My order 4711 never arrived");
		String suffix = id.replace("-", "");
		// The backup: the conversation's rows as they were before the erasure.
		TestDatabase.update("CREATE TABLE backup_c_" + suffix + " AS SELECT * FROM conversations WHERE id = '" + id + "'");
		TestDatabase.update("CREATE TABLE backup_m_" + suffix + " AS SELECT * FROM messages WHERE conversation_id = '"
				+ id + "'");
		http().delete()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(agent))
			.exchange()
			.expectStatus()
			.isNoContent();
		// The restore puts them back; the shredded key stays shredded.
		assertThat(TestDatabase.update("INSERT INTO conversations SELECT * FROM backup_c_" + suffix)).isEqualTo(1);
		assertThat(TestDatabase.update("INSERT INTO messages SELECT * FROM backup_m_" + suffix)).isEqualTo(2);

		assertEnvelope(http().get()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(agent))
			.exchange()
			.expectBody()
			.returnResult(), 410, "gone", "not_found_error");
		assertEnvelope(http().post()
			.uri("/api/v1/conversations/{id}/messages", id)
			.headers((headers) -> headers.setBearerAuth(agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", "Hello again"))
			.exchange()
			.expectBody()
			.returnResult(), 410, "gone", "not_found_error");
		// The list leaves it out, and the rest of the list is intact.
		JsonNode list = Chats.JSON.readTree(http().get()
			.uri("/api/v1/conversations?limit=100")
			.headers((headers) -> headers.setBearerAuth(agent))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		assertThat(list.get("data").findValuesAsString("id")).contains(kept).doesNotContain(id);
		// Erasing it again removes the restored rows.
		http().delete()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(agent))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertThat(TestDatabase.query("SELECT count(*) FROM conversations WHERE id = '" + id + "'")).containsExactly("0");
	}

}
