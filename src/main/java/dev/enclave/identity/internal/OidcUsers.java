package dev.enclave.identity.internal;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Turns a validated SSO token into a principal: tenant and roles from configurable claims,
 * the user provisioned just in time on first sight. The identity provider is the source of
 * truth for roles, so they are synchronised on every token (and role changes audited);
 * whether the account is enabled is Enclave's own decision.
 */
final class OidcUsers {

	private static final Logger log = LoggerFactory.getLogger(OidcUsers.class);

	private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

	private final OidcSettings settings;

	private final TenantStore tenants;

	private final UserStore users;

	private final AuditLog audit;

	OidcUsers(OidcSettings settings, TenantStore tenants, UserStore users, AuditLog audit) {
		this.settings = settings;
		this.tenants = tenants;
		this.users = users;
		this.audit = audit;
	}

	Mono<Principal> principal(Jwt jwt) {
		String tenantSlug = tenantSlug(jwt);
		if (tenantSlug == null) {
			return Mono.error(new BadCredentialsException("token names no valid tenant"));
		}
		String issuer = jwt.getClaimAsString("iss");
		String subject = jwt.getSubject();
		if (issuer == null || subject == null || subject.isBlank()) {
			return Mono.error(new BadCredentialsException("token has no subject"));
		}
		Set<Role> roles = roles(jwt);
		String username = firstNonBlank(jwt.getClaimAsString(this.settings.usernameClaim()), subject);
		String displayName = firstNonBlank(jwt.getClaimAsString(this.settings.displayNameClaim()), username);
		return this.tenants.findBySlug(tenantSlug)
			.switchIfEmpty(Mono.defer(() -> this.tenants.ensure(tenantSlug)))
			.flatMap((tenant) -> !tenant.active() ? Mono.error(new DisabledException("tenant disabled"))
					: this.users.findOidc(issuer, subject)
				.flatMap((user) -> synchronise(user, username, displayName, roles))
				.switchIfEmpty(Mono.defer(() -> provision(tenant, issuer, subject, username, displayName, roles)))
				.flatMap((user) -> {
					if (!user.tenantId().equals(tenant.id())) {
						log.atWarn().addKeyValue("user", user.id()).log("SSO token names another tenant than the account's");
						return Mono.error(new BadCredentialsException("tenant mismatch"));
					}
					if (!user.enabled()) {
						return Mono.error(new DisabledException("account disabled"));
					}
					return Mono.just(Principal.ofUser(user.tenantId(), user.id(), user.roles(), AuthMethod.OIDC));
				}));
	}

	private Mono<UserRecord> provision(TenantRecord tenant, String issuer, String subject, String username,
			String displayName, Set<Role> roles) {
		return this.users.insertOidc(tenant.id(), issuer, subject, username, displayName, roles)
			.flatMap((created) -> this.audit
				.record(new AuditEvent(tenant.id(), AuditEvent.SYSTEM, "user_provisioned", created.id().toString()))
				.thenReturn(created))
			// Another request provisioned the same user a moment earlier.
			.switchIfEmpty(Mono.defer(() -> this.users.findOidc(issuer, subject)));
	}

	private Mono<UserRecord> synchronise(UserRecord user, String username, String displayName, Set<Role> roles) {
		boolean rolesChanged = !user.roles().equals(roles);
		if (!rolesChanged && user.username().equals(username) && user.displayName().equals(displayName)) {
			return Mono.just(user);
		}
		Mono<UserRecord> updated = this.users.updateProfile(user.id(), username, displayName, roles);
		if (!rolesChanged) {
			return updated;
		}
		return updated.flatMap((saved) -> this.audit
			.record(new AuditEvent(saved.tenantId(), AuditEvent.SYSTEM, "roles_changed", saved.id().toString()))
			.thenReturn(saved));
	}

	private @Nullable String tenantSlug(Jwt jwt) {
		String claimed = jwt.getClaimAsString(this.settings.tenantClaim());
		String slug = (claimed != null && !claimed.isBlank()) ? claimed.trim().toLowerCase(Locale.ROOT)
				: this.settings.defaultTenant();
		return (slug != null && SLUG.matcher(slug).matches()) ? slug : null;
	}

	/** Groups come as a JSON array or a space-separated string, depending on the provider. */
	private Set<Role> roles(Jwt jwt) {
		Object claim = jwt.getClaims().get(this.settings.rolesClaim());
		Collection<?> groups = (claim instanceof Collection<?> list) ? list
				: (claim instanceof String text) ? List.of(text.split("\\s+")) : List.of();
		Set<Role> roles = EnumSet.noneOf(Role.class);
		for (Object group : groups) {
			Role role = role(String.valueOf(group));
			if (role != null) {
				roles.add(role);
			}
		}
		return roles;
	}

	private @Nullable Role role(String group) {
		Role mapped = this.settings.roleMapping().get(group);
		if (mapped != null) {
			return mapped;
		}
		for (Role role : Role.values()) {
			if (role.name().equalsIgnoreCase(group)) {
				return role;
			}
		}
		return null;
	}

	private static String firstNonBlank(@Nullable String value, String fallback) {
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
