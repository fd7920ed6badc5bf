package dev.enclave.identity.internal;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The security chain's path rules, each decided in one call. Spring Security's path matchers
 * answer every pattern with a {@code Mono} of its own (with a debug hook on it), and combining
 * them with or, and and not took about a dozen of those per API request, 2 % of the gateway's
 * CPU. These test the same patterns, parsed as Spring's are, against the same path (the path
 * within the application) and method.
 */
final class SecurityPaths {

	/** Every API path. */
	static final Predicate<ServerHttpRequest> API = paths(null, "/api/**", "/v1/**");

	/** Where a user is still signing in, and so has no credential to send yet. */
	static final Predicate<ServerHttpRequest> SIGNING_IN = paths(HttpMethod.POST, "/api/v1/auth/login",
			"/api/v1/auth/refresh", "/api/v1/auth/logout")
		.or(paths(HttpMethod.GET, "/api/v1/auth/config"));

	/** Where credentials are read: the API, except where a user is still signing in. */
	static final Predicate<ServerHttpRequest> CREDENTIALS = API.and(SIGNING_IN.negate());

	private SecurityPaths() {
	}

	/** A matcher for Spring Security that answers at once. */
	static ServerWebExchangeMatcher matcher(Predicate<ServerHttpRequest> rule) {
		return (exchange) -> rule.test(exchange.getRequest()) ? ServerWebExchangeMatcher.MatchResult.match()
				: ServerWebExchangeMatcher.MatchResult.notMatch();
	}

	/** Requests with {@code method} (any, if null) whose path matches one of {@code patterns}. */
	static Predicate<ServerHttpRequest> paths(@Nullable HttpMethod method, String... patterns) {
		PathPatternParser parser = PathPatternParser.defaultInstance;
		List<PathPattern> parsed = Arrays.stream(patterns).map((pattern) -> parser.parse(parser.initFullPathPattern(pattern))).toList();
		return (request) -> {
			if (method != null && !method.equals(request.getMethod())) {
				return false;
			}
			for (PathPattern pattern : parsed) {
				if (pattern.matches(request.getPath().pathWithinApplication())) {
					return true;
				}
			}
			return false;
		};
	}

}
