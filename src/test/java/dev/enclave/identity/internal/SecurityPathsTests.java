package dev.enclave.identity.internal;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain's path rules decide as Spring Security's own path matchers, composed, would. */
class SecurityPathsTests {

	private static final ServerWebExchangeMatcher SPRING_API = ServerWebExchangeMatchers.pathMatchers("/api/**", "/v1/**");

	private static final ServerWebExchangeMatcher SPRING_SIGNING_IN = new OrServerWebExchangeMatcher(
			ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/v1/auth/login", "/api/v1/auth/refresh",
					"/api/v1/auth/logout"),
			ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/v1/auth/config"));

	private static final ServerWebExchangeMatcher SPRING_CREDENTIALS = new AndServerWebExchangeMatcher(SPRING_API,
			new NegatedServerWebExchangeMatcher(SPRING_SIGNING_IN));

	private static final List<String> PATHS = List.of("/", "/api", "/api/", "/apix", "/API/v1/me", "/api/v1/me",
			"/api/v1/auth/login", "/api/v1/auth/login/", "/api/v1/auth/loginx", "/api/v1/auth/refresh",
			"/api/v1/auth/logout", "/api/v1/auth/config", "/api/v1/auth/config/x", "/v1", "/v1/", "/v1x",
			"/v1/chat/completions", "/v1/models/stub", "/api//v1/me", "/assets/app-abc123.js", "/c/123",
			"/actuator/health", "/health", "/v3/api-docs", "/api/v1/conversations/%7Bid%7D/messages");

	private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
			HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH);

	@Test
	void everyRuleDecidesAsSpringsComposedMatchersDo() {
		int apiMatches = 0;
		for (HttpMethod method : METHODS) {
			for (String path : PATHS) {
				MockServerWebExchange exchange = MockServerWebExchange
					.from(MockServerHttpRequest.method(method, "http://localhost" + path));
				String request = method + " " + path;
				boolean api = decides(SecurityPaths.matcher(SecurityPaths.API), exchange);
				assertThat(api).as("API for %s", request).isEqualTo(decides(SPRING_API, exchange));
				assertThat(decides(SecurityPaths.matcher(SecurityPaths.SIGNING_IN), exchange)).as("signing in for %s", request)
					.isEqualTo(decides(SPRING_SIGNING_IN, exchange));
				assertThat(decides(SecurityPaths.matcher(SecurityPaths.CREDENTIALS), exchange)).as("credentials for %s", request)
					.isEqualTo(decides(SPRING_CREDENTIALS, exchange));
				apiMatches += api ? 1 : 0;
			}
		}
		// Both answers occur, so the comparison covers matches and misses alike.
		assertThat(apiMatches).isBetween(1, METHODS.size() * PATHS.size() - 1);
	}

	@Test
	void signingInIsPostOrTheConfigurationsGet() {
		assertThat(SecurityPaths.SIGNING_IN.test(MockServerHttpRequest.post("/api/v1/auth/login").build())).isTrue();
		assertThat(SecurityPaths.SIGNING_IN.test(MockServerHttpRequest.get("/api/v1/auth/login").build())).isFalse();
		assertThat(SecurityPaths.SIGNING_IN.test(MockServerHttpRequest.get("/api/v1/auth/config").build())).isTrue();
		assertThat(SecurityPaths.CREDENTIALS.test(MockServerHttpRequest.post("/v1/chat/completions").build())).isTrue();
		assertThat(SecurityPaths.CREDENTIALS.test(MockServerHttpRequest.get("/assets/a.js").build())).isFalse();
	}

	private static boolean decides(ServerWebExchangeMatcher matcher, MockServerWebExchange exchange) {
		return matcher.matches(exchange).map(ServerWebExchangeMatcher.MatchResult::isMatch).blockOptional().orElseThrow();
	}

}
