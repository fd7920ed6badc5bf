package dev.enclave.identity;

import java.util.function.Function;

import dev.enclave.gateway.ApiException;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The guarantee that another tenant's or another user's resource is {@code not_found}, never
 * {@code forbidden}: a 403 would confirm the id exists. Every module that serves resources by
 * id passes its lookup through here (and should also filter by tenant in its query, so other
 * tenants' rows are never even read).
 */
public final class Ownership {

	private Ownership() {
	}

	/**
	 * A resource that belongs to a tenant as a whole (users, API keys).
	 * @param what the resource's name for the error message, e.g. {@code "API key"}
	 * @return the resource, or a {@code not_found} error if it is missing or in another tenant
	 */
	public static <T> Mono<T> inTenant(Principal caller, Mono<T> resource, Function<T, TenantId> tenantOf,
			String what) {
		return resource.filter((found) -> caller.tenantId().equals(tenantOf.apply(found)))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound(what)));
	}

	/**
	 * A resource that belongs to one user in a tenant (conversations, messages).
	 * @param what the resource's name for the error message, e.g. {@code "Conversation"}
	 * @return the resource, or a {@code not_found} error if it is missing, in another tenant or
	 * another user's
	 */
	public static <T> Mono<T> ownedBy(Principal caller, Mono<T> resource, Function<T, TenantId> tenantOf,
			Function<T, @Nullable SubjectId> ownerOf, String what) {
		return resource
			.filter((found) -> caller.tenantId().equals(tenantOf.apply(found))
					&& caller.subjectId().equals(ownerOf.apply(found)))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound(what)));
	}

}
