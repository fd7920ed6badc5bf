package dev.enclave.gateway.internal;

import java.util.Map;

import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 description at {@code /v3/api-docs} (Swagger UI at {@code /docs}): API
 * information, the Bearer scheme (JWT or API key) and the error envelope as the documented
 * body of every error response.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String ERROR_SCHEMA = "ErrorEnvelope";

	@Bean
	OpenAPI enclaveOpenApi(ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		return new OpenAPI()
			.info(new Info().title("Enclave API")
				.version((properties != null) ? properties.getVersion() : "dev")
				.description("Self-hosted enterprise AI assistant platform. Every non-2xx response carries the "
						+ "error envelope; every response carries a W3C traceparent header.")
				.license(new License().name("Proprietary")))
			.components(new Components()
				.addSecuritySchemes("bearer",
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("An access token (JWT from SSO or local login) or an API key (ek_...)"))
				.addSchemas(ERROR_SCHEMA, errorEnvelopeSchema()));
	}

	/** Property names as the API really takes them (Jackson 3's naming, which swagger-core cannot see). */
	@Bean
	ModelConverter jacksonNamingModelConverter() {
		return new JacksonNamingModelConverter();
	}

	/** Every operation documents the envelope as the body of its error responses. */
	@Bean
	OpenApiCustomizer errorEnvelopeResponses() {
		return (openApi) -> {
			if (openApi.getPaths() == null) {
				return;
			}
			Content envelope = new Content().addMediaType("application/json",
					new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA)));
			openApi.getPaths().values().forEach((path) -> path.readOperations().forEach((operation) -> {
				Map<String, String> errors = Map.of("400", "Invalid request", "401", "Not authenticated", "500",
						"Unexpected error; only the trace id is returned");
				errors.forEach((status, description) -> {
					if (operation.getResponses() != null && !operation.getResponses().containsKey(status)) {
						operation.getResponses()
							.addApiResponse(status, new ApiResponse().description(description).content(envelope));
					}
				});
			}));
		};
	}

	private static Schema<?> errorEnvelopeSchema() {
		Schema<?> detail = new ObjectSchema().addProperty("field", new StringSchema().example("messages[0].content"))
			.addProperty("issue", new StringSchema().example("must not be blank"));
		Schema<?> body = new ObjectSchema()
			.addProperty("code", new StringSchema().example("invalid_request").description("Stable error code"))
			.addProperty("type", new StringSchema().example("invalid_request_error").description("OpenAI error type"))
			.addProperty("message", new StringSchema())
			.addProperty("param", new StringSchema().nullable(true))
			.addProperty("details", new ArraySchema().items(detail))
			.addProperty("traceId", new StringSchema().example("4bf92f3577b34da6a3ce929d0e0e4736"))
			.addProperty("timestamp", new StringSchema().format("date-time"));
		return new ObjectSchema().addProperty("error", body).description("The error envelope of every non-2xx response");
	}

}
