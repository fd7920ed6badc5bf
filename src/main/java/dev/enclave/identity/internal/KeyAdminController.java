package dev.enclave.identity.internal;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import dev.enclave.privacy.DataKeyRewrapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The last step of key rotation over HTTP, the same job as the {@code rewrap} command.
 *
 * <p>The key-encryption keyset belongs to the installation, not to a tenant: one re-wrap
 * moves every tenant's data keys. So {@code admin} scope alone is not enough; the caller
 * must also be one of the {@link InstallationOperators}. A tenant's administrator could do no harm with
 * it (the job only re-encrypts wrapped keys and never returns one), but letting one tenant
 * start installation-wide work that only the operator can follow up is the wrong place for
 * that decision.
 */
@RestController
@Tag(name = "Keys", description = "Key rotation (scope admin, installation tenant only)")
class KeyAdminController {

	private final DataKeyRewrapper rewrapper;

	private final InstallationOperators operators;

	private final AuditLog audit;

	KeyAdminController(DataKeyRewrapper rewrapper, InstallationOperators operators, AuditLog audit) {
		this.rewrapper = rewrapper;
		this.operators = operators;
		this.audit = audit;
	}

	@PostMapping(path = "/api/v1/admin/keys/rewrap", produces = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_admin')")
	@Operation(summary = "Re-wrap every live data key with the current primary KEK key",
			description = "Safe to repeat; a run cut short by the request timeout keeps what it moved.")
	Mono<Views.RewrapView> rewrap(@AuthenticationPrincipal Principal admin) {
		return this.operators.require(admin, "re-wrap keys")
			.flatMap((tenant) -> this.rewrapper.rewrapAll())
			.flatMap((report) -> this.audit.record(AuditEvent.by(admin, "keys_rewrapped", null))
				.thenReturn(Views.RewrapView.of(report)));
	}

}
