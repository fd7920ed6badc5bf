package dev.enclave.identity.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The browser console's refresh token, kept in a cookie script cannot read, so the console
 * holds its access token in memory only and still survives a reload.
 *
 * <p>The cookie is {@code HttpOnly}, {@code SameSite=Strict} and scoped to the sign-in paths,
 * and it is only ever read together with the {@code X-Enclave-Client: console} header. A
 * cross-site form cannot send a custom header, and a cross-origin script must pass a CORS
 * preflight first, so a forged request never gets the cookie used even where SameSite falls
 * short (another subdomain of the same site). Other clients keep the plain JSON exchange.
 */
final class ConsoleSession {

	static final String CLIENT_HEADER = "X-Enclave-Client";

	static final String CONSOLE = "console";

	static final String COOKIE = "enclave_refresh";

	static final String PATH = "/api/v1/auth";

	private final Duration lifetime;

	ConsoleSession(Duration lifetime) {
		this.lifetime = lifetime;
	}

	/** Whether the request comes from the console, the only caller whose cookie is honoured. */
	static boolean isConsole(ServerHttpRequest request) {
		return CONSOLE.equalsIgnoreCase(request.getHeaders().getFirst(CLIENT_HEADER));
	}

	/** The refresh token of the cookie, for a console request only. */
	static @Nullable String refreshToken(ServerHttpRequest request) {
		if (!isConsole(request)) {
			return null;
		}
		HttpCookie cookie = request.getCookies().getFirst(COOKIE);
		return (cookie != null && !cookie.getValue().isBlank()) ? cookie.getValue() : null;
	}

	ResponseCookie issue(ServerHttpRequest request, String refreshToken) {
		return cookie(request, refreshToken, this.lifetime);
	}

	static ResponseCookie clear(ServerHttpRequest request) {
		return cookie(request, "", Duration.ZERO);
	}

	private static ResponseCookie cookie(ServerHttpRequest request, String value, Duration maxAge) {
		return ResponseCookie.from(COOKIE, value)
			.httpOnly(true)
			.sameSite("Strict")
			.path(PATH)
			.maxAge(maxAge)
			.secure(secure(request))
			.build();
	}

	/**
	 * Behind a TLS-terminating proxy the request URI says https once forwarded headers are
	 * honoured ({@code server.forward-headers-strategy}), the same setting that gives the
	 * login throttle the real client address.
	 */
	private static boolean secure(ServerHttpRequest request) {
		return "https".equalsIgnoreCase(request.getURI().getScheme()) || request.getSslInfo() != null;
	}

}
