package dev.enclave.identity.internal;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsConverterTests {

	private final CredentialsConverter converter = new CredentialsConverter();

	@Test
	void noCredentialIsAnonymous() {
		StepVerifier.create(this.converter.convert(exchange(MockServerHttpRequest.get("/api/v1/me")))).verifyComplete();
	}

	@Test
	void bearerJwtAndBothApiKeyFormsAreRecognised() {
		StepVerifier.create(this.converter.convert(exchange(MockServerHttpRequest.get("/")
			.header("Authorization", "bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))))
			.assertNext((auth) -> assertThat(auth).isInstanceOf(BearerTokenAuthenticationToken.class))
			.verifyComplete();
		StepVerifier.create(this.converter.convert(exchange(MockServerHttpRequest.get("/")
			.header("Authorization", "Bearer ek_live_abc"))))
			.assertNext((auth) -> assertThat(((ApiKeyCredentials) auth).key()).isEqualTo("ek_live_abc"))
			.verifyComplete();
		StepVerifier.create(this.converter.convert(exchange(MockServerHttpRequest.get("/").header("X-API-Key", " ek_live_abc "))))
			.assertNext((auth) -> assertThat(((ApiKeyCredentials) auth).key()).isEqualTo("ek_live_abc"))
			.verifyComplete();
	}

	@Test
	void malformedOrAmbiguousCredentialsAreRefused() {
		for (MockServerHttpRequest.BaseBuilder<?> request : java.util.List.of(
				MockServerHttpRequest.get("/").header("Authorization", "Bearer"),
				MockServerHttpRequest.get("/").header("Authorization", "Basic dXNlcjpwYXNz"),
				MockServerHttpRequest.get("/").header("Authorization", "Bearer a b"),
				MockServerHttpRequest.get("/").header("Authorization", "Bearer x", "Bearer y"),
				MockServerHttpRequest.get("/").header("Authorization", "Bearer x").header("X-API-Key", "ek_live_y"))) {
			StepVerifier.create(this.converter.convert(exchange(request))).verifyError(BadCredentialsException.class);
		}
	}

	private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
		return MockServerWebExchange.from(request);
	}

	@Test
	void apiKeyCredentialsNeverPrintTheKey() {
		assertThat(new ApiKeyCredentials("ek_live_secret").toString()).doesNotContain("secret");
	}

}
