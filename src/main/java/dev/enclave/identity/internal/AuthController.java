package dev.enclave.identity.internal;

import java.net.InetSocketAddress;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

@RestController
@RequestMapping(path = "/api/v1/auth", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Sign-in", description = "Local accounts: login, token refresh, logout")
class AuthController {

	private final LocalAccounts accounts;

	AuthController(LocalAccounts accounts) {
		this.accounts = accounts;
	}

	record LoginRequest(@NotBlank @Size(max = 256) String username, @NotBlank @Size(max = 1024) String password) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record RefreshRequest(@NotBlank @Size(max = 256) String refreshToken) {
	}

	@PostMapping(path = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Sign in with a local account", description = "Returns a short-lived access token and a "
			+ "one-use refresh token. Repeated failures per user name or client address are answered with 429.")
	Mono<TokenPair> login(@Valid @RequestBody LoginRequest request, ServerWebExchange exchange) {
		return this.accounts.login(request.username(), request.password(), clientAddress(exchange));
	}

	@PostMapping(path = "/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Rotate a refresh token", description = "Each refresh token works once. Presenting one "
			+ "that was already used revokes the whole session.")
	Mono<TokenPair> refresh(@Valid @RequestBody RefreshRequest request) {
		return this.accounts.refresh(request.refreshToken());
	}

	@PostMapping(path = "/logout", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Sign out", description = "Revokes the session of the refresh token: its refresh token "
			+ "and every access token issued in it stop working.")
	Mono<Void> logout(@Valid @RequestBody RefreshRequest request) {
		return this.accounts.logout(request.refreshToken());
	}

	private static String clientAddress(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		return (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

}
