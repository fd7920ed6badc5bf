package dev.enclave.conversation;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broken object-level authorisation, endpoint by endpoint: another user of the same tenant
 * and a user of another tenant get {@code not_found} for every conversation and message id
 * of the owner, whatever they try, and the owner's data is untouched afterwards.
 */
class ConversationBolaIT extends EnclaveIT {

	@Test
	void nobodyButTheOwnerReachesAConversationOrItsMessages() {
		Chats chats = new Chats(http());
		String owner = identities().sso("bola-a", Identities.uniqueSubject("owner"), "AGENT");
		String colleague = identities().sso("bola-a", Identities.uniqueSubject("colleague"), "AGENT");
		String stranger = identities().sso("bola-b", Identities.uniqueSubject("stranger"), "AGENT");
		String tenantAdmin = identities().sso("bola-a", Identities.uniqueSubject("boss"), "AGENT", "ADMIN");
		String id = chats.createId(owner, "Private matter");
		String answer = chats.send(owner, id, "Hello").get("id").asText();

		Map<String, Function<String, EntityExchangeResult<byte[]>>> attempts = Map.of(
				"GET conversation", (token) -> call(http().get().uri("/api/v1/conversations/{id}", id), token),
				"PATCH conversation", (token) -> call(http().patch()
					.uri("/api/v1/conversations/{id}", id)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("title", "Mine now")), token),
				"DELETE conversation", (token) -> call(http().delete().uri("/api/v1/conversations/{id}", id), token),
				"POST message (JSON)", (token) -> call(http().post()
					.uri("/api/v1/conversations/{id}/messages", id)
					.contentType(MediaType.APPLICATION_JSON)
					.accept(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("content", "Let me in")), token),
				"POST message (SSE)", (token) -> call(http().post()
					.uri("/api/v1/conversations/{id}/messages", id)
					.contentType(MediaType.APPLICATION_JSON)
					.accept(MediaType.TEXT_EVENT_STREAM)
					.bodyValue(Map.of("content", "Let me in")), token),
				"POST feedback", (token) -> call(http().post()
					.uri("/api/v1/messages/{id}/feedback", answer)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("rating", "down")), token));

		for (String intruder : List.of(colleague, stranger, tenantAdmin)) {
			attempts.forEach((name, attempt) -> assertEnvelope(attempt.apply(intruder), 404, "not_found",
					"not_found_error"));
			JsonNode list = Chats.JSON.readTree(http().get()
				.uri((uri) -> uri.path("/api/v1/conversations").queryParam("q", "private").build())
				.headers((headers) -> headers.setBearerAuth(intruder))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody());
			assertThat(list.get("data").findValuesAsString("id")).doesNotContain(id);
		}
		// An auditor reads usage and audit, never content: refused before any lookup.
		String auditor = identities().sso("bola-a", Identities.uniqueSubject("auditor"), "AUDITOR");
		attempts.forEach((name, attempt) -> assertEnvelope(attempt.apply(auditor), 403, "forbidden",
				"permission_error"));

		JsonNode untouched = chats.get(owner, id);
		assertThat(untouched.get("title").asText()).isEqualTo("Private matter");
		assertThat(untouched.get("messages")).hasSize(2);
	}

	private static EntityExchangeResult<byte[]> call(WebTestClient.RequestHeadersSpec<?> request, String token) {
		return request.headers((headers) -> headers.setBearerAuth(token)).exchange().expectBody().returnResult();
	}

}
