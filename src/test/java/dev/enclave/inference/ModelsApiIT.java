package dev.enclave.inference;

import java.util.List;
import java.util.Map;

import dev.enclave.inference.internal.demo.DemoCheckpoint;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/models} over HTTP, as an OpenAI SDK calls it: scope {@code chat} required. */
class ModelsApiIT extends EnclaveIT {

	@Autowired
	ModelCatalog catalog;

	private String admin;

	@BeforeEach
	void signIn() {
		this.admin = identities().admin();
	}

	@Test
	void listingWithoutCredentialsIs401() {
		for (String uri : List.of("/v1/models", "/v1/models/demo")) {
			EntityExchangeResult<byte[]> result = http().get().uri(uri).exchange().expectBody().returnResult();
			assertEnvelope(result, 401, "unauthenticated", "authentication_error");
			assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
		}
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aChatKeyListsTheDemoModelInOpenAisShape() {
		String key = (String) identities().createApiKey(this.admin, "models-chat", "chat").get("key");

		EntityExchangeResult<Map> result = http().get()
			.uri("/v1/models")
			.headers((h) -> h.setBearerAuth(key))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult();
		Map<String, Object> list = result.getResponseBody();
		// A whole JSON answer leaves as one response with its length, not as chunks.
		assertThat(result.getResponseHeaders().getContentLength()).isEqualTo(result.getResponseBodyContent().length);
		assertThat(result.getResponseHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)).isFalse();

		assertThat(list).containsOnlyKeys("object", "data").containsEntry("object", "list");
		assertThat((List<Map<String, Object>>) list.get("data")).singleElement().satisfies(this::isTheDemoModel);
	}

	@Test
	@SuppressWarnings("unchecked")
	void oneModelByIdAndAnUnknownIdIsNotFound() {
		String key = (String) identities().createApiKey(this.admin, "models-one", "chat").get("key");

		Map<String, Object> model = http().get()
			.uri("/v1/models/demo")
			.header("X-API-Key", key)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		isTheDemoModel(model);

		assertEnvelope(http().get().uri("/v1/models/nope").header("X-API-Key", key).exchange().expectBody()
			.returnResult(), 404, "not_found", "not_found_error");
	}

	@Test
	void withoutTheChatScopeListingIsForbidden() {
		String key = (String) identities().createApiKey(this.admin, "models-reader", "conversations:read")
			.get("key");
		String auditor = identities().sso("models-audit", Identities.uniqueSubject("auditor"), "AUDITOR");
		for (String credential : List.of(key, auditor)) {
			for (String uri : List.of("/v1/models", "/v1/models/demo", "/v1/models/nope")) {
				assertEnvelope(http().get().uri(uri).headers((h) -> h.setBearerAuth(credential)).exchange()
					.expectBody().returnResult(), 403, "forbidden", "permission_error");
			}
		}
	}

	@Test
	void aSignedInUserWithChatListsModelsToo() {
		http().get()
			.uri("/v1/models")
			.headers((h) -> h.setBearerAuth(this.admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].id")
			.isEqualTo("demo");
	}

	/** Exactly OpenAI's fields plus the description, with the catalog's values. */
	private void isTheDemoModel(Map<String, Object> entry) {
		ModelDescriptor demo = this.catalog.models().get(0);
		assertThat(entry).containsOnlyKeys("id", "object", "created", "owned_by", "description")
			.containsEntry("id", "demo")
			.containsEntry("object", "model")
			.containsEntry("owned_by", "enclave")
			.containsEntry("description", DemoCheckpoint.LABEL);
		assertThat(((Number) entry.get("created")).longValue()).isEqualTo(demo.created().getEpochSecond())
			.isPositive();
	}

}
