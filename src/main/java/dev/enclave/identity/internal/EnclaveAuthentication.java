package dev.enclave.identity.internal;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.Scopes;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request authenticated by any means. Its principal is the {@link Principal}; its
 * authorities are {@code SCOPE_*} for every scope and {@code ROLE_*} for every role.
 */
final class EnclaveAuthentication extends AbstractAuthenticationToken {

	private final Principal principal;

	EnclaveAuthentication(Principal principal) {
		super(authorities(principal));
		this.principal = principal;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		// The credential was checked; it is not kept around.
		return "";
	}

	@Override
	public Principal getPrincipal() {
		return this.principal;
	}

	@Override
	public String getName() {
		return this.principal.subjectId().toString();
	}

	private static List<GrantedAuthority> authorities(Principal principal) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		principal.scopes().forEach((scope) -> authorities.add(new SimpleGrantedAuthority(Scopes.authority(scope))));
		for (Role role : principal.roles()) {
			authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name()));
		}
		return authorities;
	}

}
