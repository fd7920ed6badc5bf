package dev.enclave.identity.internal;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers of Spring Security's defaults, with its rules: a handler's own header wins. */
class SecurityHeadersTests {

	private final SecurityHeaders writer = new SecurityHeaders();

	@Test
	void aPlainResponseGetsEveryDefault() {
		HttpHeaders headers = written(MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/v1/models")));
		assertThat(headers.getFirst("Cache-Control")).isEqualTo("no-cache, no-store, max-age=0, must-revalidate");
		assertThat(headers.getFirst("Pragma")).isEqualTo("no-cache");
		assertThat(headers.getFirst("Expires")).isEqualTo("0");
		assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(headers.getFirst("X-Frame-Options")).isEqualTo("DENY");
		assertThat(headers.getFirst("X-XSS-Protection")).isEqualTo("0");
		assertThat(headers.getFirst("Referrer-Policy")).isEqualTo("no-referrer");
		assertThat(headers.containsHeader("Strict-Transport-Security")).as("not over plain HTTP").isFalse();
	}

	@Test
	void aHandlersOwnHeadersAreKeptAndTheCacheHeadersGoTogether() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/assets/a.js"));
		exchange.getResponse().getHeaders().set("Cache-Control", "public, max-age=31536000, immutable");
		exchange.getResponse().getHeaders().set("X-Frame-Options", "SAMEORIGIN");
		HttpHeaders headers = written(exchange);
		assertThat(headers.get("Cache-Control")).containsExactly("public, max-age=31536000, immutable");
		assertThat(headers.containsHeader("Pragma")).isFalse();
		assertThat(headers.containsHeader("Expires")).isFalse();
		assertThat(headers.get("X-Frame-Options")).containsExactly("SAMEORIGIN");
		assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@Test
	void aNotModifiedAnswerGetsNoCacheHeaders() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/"));
		exchange.getResponse().setStatusCode(HttpStatus.NOT_MODIFIED);
		HttpHeaders headers = written(exchange);
		assertThat(headers.containsHeader("Cache-Control")).isFalse();
		assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@Test
	void overHttpsStrictTransportSecurityIsSent() {
		HttpHeaders headers = written(MockServerWebExchange.from(MockServerHttpRequest.get("https://localhost/v1/models")));
		assertThat(headers.getFirst("Strict-Transport-Security")).startsWith("max-age=31536000");
	}

	private HttpHeaders written(MockServerWebExchange exchange) {
		StepVerifier.create(this.writer.writeHttpHeaders(exchange)).verifyComplete();
		return exchange.getResponse().getHeaders();
	}

}
