package dev.enclave.identity.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleSessionTests {

	private final ConsoleSession session = new ConsoleSession(Duration.ofDays(14));

	@Test
	void theCookieIsSecureOverHttpsAndBehindAProxyThatSaysSo() {
		ServerHttpRequest direct = MockServerHttpRequest.post("https://enclave.example.com/api/v1/auth/login").build();
		assertThat(this.session.issue(direct, "ert_x").isSecure()).isTrue();

		// What server.forward-headers-strategy=framework installs in front of every handler.
		ServerHttpRequest proxied = new ForwardedHeaderTransformer()
			.apply(MockServerHttpRequest.post("http://10.0.0.5:8080/api/v1/auth/login")
				.header("X-Forwarded-Proto", "https")
				.build());
		assertThat(this.session.issue(proxied, "ert_x").isSecure()).isTrue();

		ServerHttpRequest plain = MockServerHttpRequest.post("http://localhost:8080/api/v1/auth/login").build();
		ResponseCookie cookie = this.session.issue(plain, "ert_x");
		assertThat(cookie.isSecure()).isFalse();
		assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofDays(14));
	}

	@Test
	void theCookieIsReadOnlyWithTheConsoleHeader() {
		MockServerHttpRequest withHeader = MockServerHttpRequest.post("/api/v1/auth/refresh")
			.header(ConsoleSession.CLIENT_HEADER, "console")
			.cookie(new org.springframework.http.HttpCookie(ConsoleSession.COOKIE, "ert_y"))
			.build();
		MockServerHttpRequest without = MockServerHttpRequest.post("/api/v1/auth/refresh")
			.cookie(new org.springframework.http.HttpCookie(ConsoleSession.COOKIE, "ert_y"))
			.build();
		assertThat(ConsoleSession.refreshToken(withHeader)).isEqualTo("ert_y");
		assertThat(ConsoleSession.refreshToken(without)).isNull();
	}

}
