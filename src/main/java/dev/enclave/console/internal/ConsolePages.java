package dev.enclave.console.internal;

import java.util.List;

import dev.enclave.identity.SignInOptions;
import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The console's document: {@code index.html} for {@code /} and every client-side route
 * ({@code /c/123}, {@code /admin/users}). The browser must revalidate it on every load, so a
 * new release is picked up at once; the hashed assets it names are what is cached.
 */
final class ConsolePages {

	/** Paths that are never the console's: the API, the operations endpoints, the API docs. */
	static final List<String> NOT_CONSOLE = List.of("/api", "/v1", "/actuator", "/health", "/v3/api-docs",
			"/swagger-ui", "/docs", "/webjars", "/assets");

	private final Resource index;

	private final String contentSecurityPolicy;

	ConsolePages(Resource index, SignInOptions signIn) {
		this.index = index;
		this.contentSecurityPolicy = contentSecurityPolicy(signIn);
	}

	/**
	 * No inline script may run, so an injected {@code <script>} does nothing; the only other
	 * origin the page talks to is the SSO provider, for the console's own sign-in.
	 */
	static String contentSecurityPolicy(SignInOptions signIn) {
		String connect = (signIn.sso() != null) ? "'self' " + signIn.sso().origin() : "'self'";
		return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
				+ "connect-src " + connect + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
	}

	/** A client route: outside the server's own paths, and no file name (no dot in its last segment). */
	static boolean isClientRoute(String path) {
		for (String prefix : NOT_CONSOLE) {
			if (path.equals(prefix) || path.startsWith(prefix + "/")) {
				return false;
			}
		}
		return !path.substring(path.lastIndexOf('/') + 1).contains(".");
	}

	/** Routes {@code /} only, or every other client route: see {@link ConsoleConfiguration} for why two. */
	RouterFunction<ServerResponse> routes(boolean root) {
		if (!this.index.exists()) {
			return (request) -> Mono.empty();
		}
		RequestPredicate read = (request) -> request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
		RequestPredicate path = root ? (request) -> request.path().equals("/")
				: (request) -> !request.path().equals("/") && isClientRoute(request.path());
		return RouterFunctions.route(read.and(path), document());
	}

	private HandlerFunction<ServerResponse> document() {
		return (ServerRequest request) -> ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noCache())
			.header("Content-Security-Policy", this.contentSecurityPolicy)
			.bodyValue(this.index);
	}

}
