package dev.enclave.identity.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.FieldIssue;
import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Ownership;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * What a tenant's administrators do with its users: list, create local accounts, change
 * roles, disable and enable. Disabling ends every session of the user at once. Everything is
 * audited, and nothing reaches into another tenant.
 */
@Service
class UserAdministration {

	private final UserStore users;

	private final SessionStore sessions;

	private final PasswordHasher passwords;

	private final AuditLog audit;

	UserAdministration(UserStore users, SessionStore sessions, PasswordHasher passwords, AuditLog audit) {
		this.users = users;
		this.sessions = sessions;
		this.passwords = passwords;
		this.audit = audit;
	}

	Mono<Page<UserRecord>> list(Principal admin, @Nullable PageCursor after, int limit) {
		return this.users.listByTenant(admin.tenantId(), after, limit)
			.collectList()
			.map((rows) -> Page.of(rows, limit, (user) -> new PageCursor(user.createdAt(), user.id().value())));
	}

	Mono<UserRecord> get(Principal admin, SubjectId id) {
		return Ownership.inTenant(admin, this.users.findById(id), UserRecord::tenantId, "User");
	}

	Mono<UserRecord> create(Principal admin, String username, String displayName, String password, Set<Role> roles) {
		if (!PasswordHasher.fits(password)) {
			return Mono.error(ApiException.invalid("The user has invalid fields",
					List.of(new FieldIssue("password", "must be at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes"))));
		}
		return this.passwords.hash(password)
			.flatMap((hash) -> this.users.insertLocal(admin.tenantId(), username, displayName, hash, roles))
			.onErrorMap(DuplicateKeyException.class,
					(ex) -> new ApiException(ErrorCode.CONFLICT, "The user name is taken"))
			.flatMap((user) -> this.audit.record(AuditEvent.by(admin, "user_created", user.id().toString()))
				.thenReturn(user));
	}

	Mono<UserRecord> update(Principal admin, SubjectId id, @Nullable Set<Role> roles, @Nullable Boolean enabled) {
		List<FieldIssue> issues = new ArrayList<>();
		if (admin.subjectId().equals(id) && Boolean.FALSE.equals(enabled)) {
			issues.add(new FieldIssue("enabled", "you cannot disable your own account"));
		}
		if (admin.subjectId().equals(id) && roles != null && !roles.contains(Role.ADMIN)) {
			issues.add(new FieldIssue("roles", "you cannot remove your own ADMIN role"));
		}
		if (!issues.isEmpty()) {
			return Mono.error(ApiException.withDetails(ErrorCode.CONFLICT, "This change would lock you out", issues));
		}
		return get(admin, id).flatMap((user) -> {
			Mono<UserRecord> result = Mono.just(user);
			if (roles != null && !roles.equals(user.roles())) {
				if (user.authMethod() == AuthMethod.OIDC) {
					return Mono.error(new ApiException(ErrorCode.CONFLICT,
							"The roles of SSO users come from the identity provider; change the user's groups there"));
				}
				result = result.flatMap((current) -> this.users.setRoles(id, roles))
					.flatMap((saved) -> this.audit.record(AuditEvent.by(admin, "roles_changed", id.toString()))
						.thenReturn(saved));
			}
			if (enabled != null && enabled != user.enabled()) {
				result = result.flatMap((current) -> this.users.setEnabled(id, enabled))
					.flatMap((saved) -> (enabled ? Mono.<Void>empty() : this.sessions.revokeAll(id, "user_disabled"))
						.then(this.audit.record(AuditEvent.by(admin, enabled ? "user_enabled" : "user_disabled", id.toString())))
						.thenReturn(saved));
			}
			return result;
		});
	}

}
