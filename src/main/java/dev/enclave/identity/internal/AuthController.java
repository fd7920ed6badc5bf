package dev.enclave.identity.internal;

import java.net.InetSocketAddress;
import java.util.List;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.FieldIssue;
import dev.enclave.identity.SignInOptions;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

@RestController
@RequestMapping(path = "/api/v1/auth", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Sign-in", description = "Local accounts: login, token refresh, logout")
class AuthController {

	private static final String CONSOLE_NOTE = " With the header X-Enclave-Client: console the refresh token travels "
			+ "in an HttpOnly cookie instead of the body.";

	private final LocalAccounts accounts;

	private final ConsoleSession console;

	private final Views.AuthConfigView config;

	AuthController(LocalAccounts accounts, ConsoleSession console, SignInOptions options) {
		this.accounts = accounts;
		this.console = console;
		this.config = Views.AuthConfigView.of(options);
	}

	@GetMapping("/config")
	@Operation(summary = "How to sign in", description = "Public: what the sign-in page offers. sso is null unless "
			+ "an OIDC provider and the console's public client id are configured.")
	Views.AuthConfigView config() {
		return this.config;
	}

	record LoginRequest(@NotBlank @Size(max = 256) String username, @NotBlank @Size(max = 1024) String password) {
	}

	/** The body is optional for the console, whose refresh token comes in its cookie. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record RefreshRequest(@Size(max = 256) @Nullable String refreshToken) {
	}

	@PostMapping(path = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Sign in with a local account", description = "Returns a short-lived access token and a "
			+ "one-use refresh token. Repeated failures per user name or client address are answered with 429."
			+ CONSOLE_NOTE)
	Mono<TokenPair> login(@Valid @RequestBody LoginRequest request, ServerWebExchange exchange) {
		return this.accounts.login(request.username(), request.password(), clientAddress(exchange))
			.map((pair) -> deliver(pair, exchange));
	}

	@PostMapping(path = "/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Rotate a refresh token", description = "Each refresh token works once. Presenting one "
			+ "that was already used revokes the whole session." + CONSOLE_NOTE
			+ " The console may then send no body: the cookie is used, never without the header.")
	Mono<TokenPair> refresh(@Valid @RequestBody(required = false) @Nullable RefreshRequest request,
			ServerWebExchange exchange) {
		return this.accounts.refresh(refreshToken(request, exchange.getRequest()))
			.map((pair) -> deliver(pair, exchange));
	}

	@PostMapping(path = "/logout", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Sign out", description = "Revokes the session of the refresh token: its refresh token "
			+ "and every access token issued in it stop working. For the console, also clears its cookie.")
	Mono<Void> logout(@Valid @RequestBody(required = false) @Nullable RefreshRequest request,
			ServerWebExchange exchange) {
		ServerHttpRequest http = exchange.getRequest();
		if (ConsoleSession.isConsole(http)) {
			exchange.getResponse().addCookie(ConsoleSession.clear(http));
			// A console whose cookie is already gone is signed out: nothing left to revoke.
			String token = optionalRefreshToken(request, http);
			return (token != null) ? this.accounts.logout(token) : Mono.empty();
		}
		return this.accounts.logout(refreshToken(request, http));
	}

	/**
	 * The token from the body, else, for the console only, from its cookie. Without either
	 * the request is invalid, as it always was for clients that send no token.
	 */
	private static String refreshToken(@Nullable RefreshRequest request, ServerHttpRequest http) {
		String token = optionalRefreshToken(request, http);
		if (token == null) {
			throw ApiException.invalid("The request has invalid fields",
					List.of(new FieldIssue("refresh_token", "must not be blank")));
		}
		return token;
	}

	private static @Nullable String optionalRefreshToken(@Nullable RefreshRequest request, ServerHttpRequest http) {
		return (request != null && request.refreshToken() != null && !request.refreshToken().isBlank())
				? request.refreshToken() : ConsoleSession.refreshToken(http);
	}

	/** The console gets its refresh token as a cookie only; every other client in the body. */
	private TokenPair deliver(TokenPair pair, ServerWebExchange exchange) {
		if (!ConsoleSession.isConsole(exchange.getRequest()) || pair.refreshToken() == null) {
			return pair;
		}
		ServerHttpResponse response = exchange.getResponse();
		response.addCookie(this.console.issue(exchange.getRequest(), pair.refreshToken()));
		return pair.withoutRefreshToken();
	}

	private static String clientAddress(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		return (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

}
