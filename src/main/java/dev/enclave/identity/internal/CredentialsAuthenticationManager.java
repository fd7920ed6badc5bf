package dev.enclave.identity.internal;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Checks whichever credential the request carried. Token problems become authentication
 * failures (401); anything else, such as the database being down, stays what it is and is
 * answered as a server error, never as "bad credentials".
 */
final class CredentialsAuthenticationManager implements ReactiveAuthenticationManager {

	private final ApiKeys apiKeys;

	private final BearerTokens bearerTokens;

	CredentialsAuthenticationManager(ApiKeys apiKeys, BearerTokens bearerTokens) {
		this.apiKeys = apiKeys;
		this.bearerTokens = bearerTokens;
	}

	@Override
	public Mono<Authentication> authenticate(Authentication credentials) {
		return Mono.defer(() -> {
			if (credentials instanceof ApiKeyCredentials key) {
				return this.apiKeys.authenticate(key.key());
			}
			if (credentials instanceof BearerTokenAuthenticationToken bearer) {
				return this.bearerTokens.authenticate(bearer.getToken());
			}
			return Mono.error(new BadCredentialsException("unsupported credential"));
		})
			.<Authentication>map(EnclaveAuthentication::new)
			.onErrorMap((failure) -> failure instanceof JwtException && !(failure instanceof AuthenticationException),
					(failure) -> new BadCredentialsException("invalid token", failure));
	}

}
