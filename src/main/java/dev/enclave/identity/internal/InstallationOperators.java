package dev.enclave.identity.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Who may act on the installation as a whole (re-wrap every tenant's keys, create and
 * suspend tenants): the {@code admin} scope alone is not enough, the caller must also belong
 * to the installation's own tenant, the one the first administrator was created in
 * ({@code enclave.admin.tenant}). Handlers check the scope; this checks the tenant.
 */
@Component
class InstallationOperators {

	private final TenantStore tenants;

	private final AdminBootstrapSettings installation;

	InstallationOperators(TenantStore tenants, AdminBootstrapSettings installation) {
		this.tenants = tenants;
		this.installation = installation;
	}

	/**
	 * The installation's tenant, when the caller administers it; else {@code 403 forbidden}.
	 * @param action what the caller tried, for the message ("re-wrap keys")
	 */
	Mono<TenantRecord> require(Principal caller, String action) {
		return installationTenant().filter((tenant) -> tenant.id().equals(caller.tenantId()))
			.switchIfEmpty(Mono.error(() -> new ApiException(ErrorCode.FORBIDDEN,
					"Only administrators of the installation's own tenant may " + action)));
	}

	Mono<TenantRecord> installationTenant() {
		return this.tenants.findBySlug(this.installation.tenant());
	}

}
