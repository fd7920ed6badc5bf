package dev.enclave.conversation.internal;

import dev.enclave.identity.Principal;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.TenantId;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Whose conversations a query may touch: the one ownership predicate of this module. Every
 * query of a user's conversation adds {@link #PREDICATE} and binds it with {@link #bind},
 * so another tenant's or user's rows are never even read, and missing reads as
 * {@code not_found}.
 *
 * @param tenant the caller's tenant
 * @param subject the caller (a user, or an app's API key)
 */
record Owner(TenantId tenant, SubjectId subject) {

	/** The predicate on {@code conversations c}: the caller's own, not being erased. */
	static final String PREDICATE = "c.tenant_id = :tenant AND c.owner_id = :owner AND c.status = 'active'";

	static Owner of(Principal caller) {
		return new Owner(caller.tenantId(), caller.subjectId());
	}

	DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec) {
		return spec.bind("tenant", this.tenant.value()).bind("owner", this.subject.value());
	}

}
