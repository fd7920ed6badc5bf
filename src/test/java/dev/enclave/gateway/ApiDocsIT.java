package dev.enclave.gateway;

import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The API describes itself: OpenAPI 3 at /v3/api-docs, Swagger UI at /docs, no token needed. */
class ApiDocsIT extends EnclaveIT {

	@Test
	void openApiDocumentDescribesTheEnvelope() {
		http().get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.openapi")
			.value((version) -> assertThat((String) version).startsWith("3."))
			.jsonPath("$.info.title")
			.isEqualTo("Enclave API")
			.jsonPath("$.components.schemas.ErrorEnvelope.properties.error.properties.traceId")
			.exists()
			.jsonPath("$.components.securitySchemes.bearer.scheme")
			.isEqualTo("bearer");
	}

	@Test
	void propertiesAreNamedAsTheApiTakesThem() {
		// Jackson 3's @JsonNaming, which swagger-core (on Jackson 2) does not see by itself.
		http().get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.schemas.SendMessage.properties.max_tokens")
			.exists()
			.jsonPath("$.components.schemas.SendMessage.properties.maxTokens")
			.doesNotExist()
			.jsonPath("$.components.schemas.SetRetention.properties.retention_days")
			.exists()
			.jsonPath("$.components.schemas.CreateApiKeyRequest.required")
			.value((required) -> assertThat((java.util.List<Object>) required).contains("name", "scopes"))
			.jsonPath("$.components.schemas.ChatCompletionRequest.required")
			.value((required) -> assertThat((java.util.List<Object>) required).containsExactly("messages"))
			.jsonPath("$.components.schemas.ErrorEnvelope.properties.error.properties.traceId")
			.exists();
	}

	@Test
	void swaggerUiIsServedFromTheJar() {
		String location = http().get()
			.uri("/docs")
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		http().get()
			.uri(location)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("swagger-ui"));
	}

	@Test
	void theFrontPageIsTheConsoleAndPointsToTheApiDocs() {
		http().get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("<title>Enclave</title>")
				.containsPattern("<script type=\"module\"[^>]* src=\"/assets/index-[A-Za-z0-9_-]+\\.js\"")
				.contains("href=\"/docs\""));
	}

}
