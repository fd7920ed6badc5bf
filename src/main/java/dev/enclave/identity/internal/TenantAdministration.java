package dev.enclave.identity.internal;

import java.util.List;
import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.FieldIssue;
import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * What the installation's operators do with tenants: create one with its first
 * administrator, list them, suspend and restore them. Suspending deletes nothing; the
 * tenant's users and API keys are refused on their next request, because every credential
 * check looks at the tenant too. Each change is audited twice: in the operator's tenant,
 * where the operators look, and in the tenant it happened to, whose auditors see it.
 */
@Service
class TenantAdministration {

	private final TenantStore tenants;

	private final UserStore users;

	private final PasswordHasher passwords;

	private final InstallationOperators operators;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	TenantAdministration(TenantStore tenants, UserStore users, PasswordHasher passwords,
			InstallationOperators operators, AuditLog audit, TransactionalOperator tx) {
		this.tenants = tenants;
		this.users = users;
		this.passwords = passwords;
		this.operators = operators;
		this.audit = audit;
		this.tx = tx;
	}

	record Created(TenantRecord tenant, UserRecord admin) {
	}

	/** The tenant and its first local ADMIN, together or not at all. */
	Mono<Created> create(Principal operator, String slug, String name, String username, String password) {
		if (!PasswordHasher.fits(password)) {
			return Mono.error(ApiException.invalid("The tenant has invalid fields", List.of(
					new FieldIssue("admin.password", "must be at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes"))));
		}
		return this.operators.require(operator, "manage tenants")
			.then(this.passwords.hash(password))
			.flatMap((hash) -> this.tenants.insert(slug, name)
				.onErrorMap(DuplicateKeyException.class, (ex) -> taken("slug", "The tenant slug is taken"))
				.flatMap((tenant) -> this.users.insertLocal(tenant.id(), username, "Administrator", hash, Set.of(Role.ADMIN))
					.onErrorMap(DuplicateKeyException.class,
							(ex) -> taken("admin.username", "The user name is taken"))
					.flatMap((admin) -> audited(operator, tenant, "tenant_created")
						.then(this.audit.record(new AuditEvent(tenant.id(), operator.subjectId().toString(),
								"user_created", admin.id().toString())))
						.thenReturn(new Created(tenant, admin))))
				.as(this.tx::transactional));
	}

	Mono<Page<TenantStore.TenantSummary>> list(Principal operator, @Nullable PageCursor after, int limit) {
		return this.operators.require(operator, "manage tenants")
			.then(this.tenants.list(after, limit).collectList())
			.map((rows) -> Page.of(rows, limit,
					(row) -> new PageCursor(row.tenant().createdAt(), row.tenant().id().value())));
	}

	Mono<TenantRecord> setDisabled(Principal operator, TenantId id, boolean disabled) {
		return this.operators.require(operator, "manage tenants").flatMap((installation) -> {
			if (disabled && installation.id().equals(id)) {
				return Mono.error(new ApiException(ErrorCode.CONFLICT,
						"The installation's own tenant cannot be disabled: its administrators are the operators"));
			}
			return this.tenants.findById(id)
				.switchIfEmpty(Mono.error(() -> ApiException.notFound("Tenant")))
				.flatMap((current) -> this.tenants.setDisabled(id, disabled)
					.flatMap((changed) -> audited(operator, changed, disabled ? "tenant_disabled" : "tenant_enabled")
						.thenReturn(changed))
					// Already so: nothing changed and nothing is audited.
					.defaultIfEmpty(current));
		});
	}

	private Mono<Void> audited(Principal operator, TenantRecord tenant, String action) {
		String target = tenant.id().toString();
		return this.audit.record(AuditEvent.by(operator, action, target))
			.then(this.audit.record(new AuditEvent(tenant.id(), operator.subjectId().toString(), action, target)));
	}

	private static ApiException taken(String field, String message) {
		return ApiException.withDetails(ErrorCode.CONFLICT, message, List.of(new FieldIssue(field, "is taken")));
	}

}
