package dev.enclave.identity;

import java.util.Set;
import java.util.TreeSet;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;

/**
 * Who is calling, resolved from any credential (SSO token, local token, API key). Modules
 * receive it with {@code @AuthenticationPrincipal Principal} or {@link CurrentPrincipal}.
 *
 * @param tenantId the tenant everything the caller touches must belong to
 * @param subjectId the user, or the API key for an app
 * @param roles the caller's roles (an API key has {@code APP})
 * @param scopes what the caller may do
 * @param authMethod how the caller authenticated
 * @param priority how urgently the caller's generations start: people are interactive, an
 * API key as it was created
 * @param responseCache whether the caller's deterministic chat requests may be answered from
 * the response cache (an API key created with it); a request can still ask for it itself
 */
public record Principal(TenantId tenantId, SubjectId subjectId, Set<Role> roles, Set<String> scopes,
		AuthMethod authMethod, Priority priority, boolean responseCache) {

	public Principal {
		// Set.copyOf hands back a set that is already unmodifiable as it is: a principal is built
		// on every request, from the same cached sets.
		roles = Set.copyOf(roles);
		scopes = Set.copyOf(scopes);
	}

	/** A person's principal: the scopes are those of their roles. */
	public static Principal ofUser(TenantId tenant, SubjectId subject, Set<Role> roles, AuthMethod method) {
		Set<String> scopes = new TreeSet<>();
		roles.forEach((role) -> scopes.addAll(role.scopes()));
		return new Principal(tenant, subject, roles, scopes, method, Priority.INTERACTIVE, false);
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

}
