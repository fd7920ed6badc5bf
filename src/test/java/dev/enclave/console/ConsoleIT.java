package dev.enclave.console;

import java.util.List;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestIdentityProvider;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser console as a browser meets it, with a public SSO client configured for it:
 * the sign-in page's configuration, the document for every client route under its cache and
 * security headers, the hashed assets (a fixture under {@code src/test/resources/static/}),
 * and the API's own 404s, which stay JSON.
 */
@TestPropertySource(properties = "enclave.console.sso.client-id=" + ConsoleIT.CLIENT_ID)
class ConsoleIT extends EnclaveIT {

	static final String CLIENT_ID = "enclave-console";

	@Test
	@SuppressWarnings("unchecked")
	void theSignInPageLearnsTheProviderAndTheConsolesPublicClientWithoutCredentials() {
		Map<String, Object> config = http().get()
			.uri("/api/v1/auth/config")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();

		assertThat(config).containsOnlyKeys("local", "sso").containsEntry("local", true);
		assertThat((Map<String, Object>) config.get("sso")).containsOnlyKeys("issuer", "client_id", "scopes")
			.containsEntry("issuer", TestIdentityProvider.issuer())
			.containsEntry("client_id", CLIENT_ID)
			.containsEntry("scopes", List.of("openid", "profile", "email"));
	}

	@Test
	void everyClientRouteIsTheDocumentRevalidatedOnEachLoadUnderAStrictPolicy() {
		String root = document("/");
		assertThat(root).contains("<html");
		for (String route : List.of("/c/123", "/admin/users", "/settings")) {
			assertThat(document(route)).as(route).isEqualTo(root);
		}
	}

	@Test
	void hashedAssetsAreCachedForAYearAndAMissingOneIs404() {
		EntityExchangeResult<String> asset = http().get()
			.uri("/assets/app-abc123.js")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		assertThat(asset.getResponseBody()).contains("enclave console test fixture");
		assertThat(asset.getResponseHeaders().getCacheControl()).contains("public")
			.contains("max-age=31536000")
			.contains("immutable")
			.doesNotContain("no-cache");

		assertEnvelope(http().get().uri("/assets/app-000000.js").exchange().expectBody().returnResult(), 404,
				"not_found", "not_found_error");
	}

	@Test
	void apiPathsNeverFallBackToTheDocument() {
		String admin = identities().admin();
		for (String path : List.of("/api/v1/no-such-thing", "/v1/no-such-thing")) {
			assertEnvelope(http().get().uri(path).headers((h) -> h.setBearerAuth(admin)).exchange().expectBody()
				.returnResult(), 404, "not_found", "not_found_error");
		}
		assertEnvelope(http().get().uri("/api/v1/no-such-thing").accept(MediaType.TEXT_HTML).exchange().expectBody()
			.returnResult(), 401, "unauthenticated", "authentication_error");
		assertEnvelope(http().get().uri("/actuator/no-such-thing").exchange().expectBody().returnResult(), 404,
				"not_found", "not_found_error");
	}

	private String document(String path) {
		EntityExchangeResult<String> page = http().get()
			.uri(path)
			.accept(MediaType.TEXT_HTML)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		HttpHeaders headers = page.getResponseHeaders();
		assertThat(headers.getContentType().isCompatibleWith(MediaType.TEXT_HTML)).as(path).isTrue();
		assertThat(headers.getCacheControl()).as(path).isEqualTo("no-cache");
		String origin = java.net.URI.create(TestIdentityProvider.issuer()).getScheme() + "://"
				+ java.net.URI.create(TestIdentityProvider.issuer()).getRawAuthority();
		assertThat(headers.getFirst("Content-Security-Policy")).as(path)
			.contains("default-src 'self'")
			.contains("script-src 'self';")
			.contains("style-src 'self' 'unsafe-inline'")
			.contains("img-src 'self' data:")
			.contains("connect-src 'self' " + origin + ";")
			.contains("frame-ancestors 'none'")
			.doesNotContain("unsafe-eval");
		return page.getResponseBody();
	}

}
