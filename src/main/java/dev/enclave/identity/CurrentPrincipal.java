package dev.enclave.identity;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;

/** The principal of the request being served, for code that is not a handler. */
public final class CurrentPrincipal {

	private CurrentPrincipal() {
	}

	/**
	 * The caller.
	 * @return the principal, or an {@code unauthenticated} error when the request has none
	 */
	public static Mono<Principal> get() {
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.filter((authentication) -> authentication.getPrincipal() instanceof Principal)
			.map((authentication) -> (Principal) authentication.getPrincipal())
			.switchIfEmpty(Mono.error(() -> new ApiException(ErrorCode.UNAUTHENTICATED, "Authentication is required")));
	}

}
