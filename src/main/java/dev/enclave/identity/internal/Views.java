package dev.enclave.identity.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Role;
import dev.enclave.identity.SignInOptions;
import dev.enclave.privacy.DataKeyRewrapper.RewrapReport;
import dev.enclave.shared.Priority;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The identity API's JSON shapes (snake_case, like the rest of the API). */
final class Views {

	private Views() {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record TenantView(UUID id, String slug, String name) {

		static TenantView of(TenantRecord tenant) {
			return new TenantView(tenant.id().value(), tenant.slug(), tenant.name());
		}

	}

	/** A tenant as the installation's operators see it. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record TenantAdminView(UUID id, String slug, String name, Instant createdAt, @Nullable Instant disabledAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long users) {

		/** Without the user count, which only the list carries. */
		static TenantAdminView of(TenantRecord tenant) {
			return of(tenant, null);
		}

		static TenantAdminView of(TenantRecord tenant, @Nullable Long users) {
			return new TenantAdminView(tenant.id().value(), tenant.slug(), tenant.name(), tenant.createdAt(),
					tenant.disabledAt(), users);
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record CreatedTenantView(TenantAdminView tenant, UserView admin) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record MeView(UUID id, String username, String displayName, TenantView tenant, Set<Role> roles,
			List<String> scopes, AuthMethod authMethod) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record UserView(UUID id, String username, String displayName, AuthMethod authMethod, Set<Role> roles,
			boolean enabled, Instant createdAt, Instant updatedAt) {

		static UserView of(UserRecord user) {
			return new UserView(user.id().value(), user.username(), user.displayName(), user.authMethod(), user.roles(),
					user.enabled(), user.createdAt(), user.updatedAt());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ApiKeyView(UUID id, String name, String prefix, List<String> scopes, Instant createdAt,
			@Nullable Instant lastUsedAt, @Nullable Instant expiresAt, boolean revoked, @Nullable Instant revokedAt,
			Priority priority, boolean responseCache) {

		static ApiKeyView of(ApiKeyRecord key) {
			return new ApiKeyView(key.id(), key.name(), key.prefix(), key.scopes().stream().sorted().toList(),
					key.createdAt(), key.lastUsedAt(), key.expiresAt(), key.revokedAt() != null, key.revokedAt(),
					key.priority(), key.responseCache());
		}

	}

	/** The one response that carries the key itself. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record CreatedApiKeyView(UUID id, String name, String key, String prefix, List<String> scopes, Instant createdAt,
			@Nullable Instant expiresAt, Priority priority, boolean responseCache) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record AuditView(UUID id, String actor, String action, @Nullable String target, @Nullable String traceId,
			Instant occurredAt) {

		static AuditView of(AuditStore.AuditRow row) {
			return new AuditView(row.id(), row.actor(), row.action(), row.target(), row.traceId(), row.occurredAt());
		}

	}

	/** The sign-in page's configuration; {@code sso} is null when the console offers none. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record AuthConfigView(boolean local, @Nullable SsoView sso) {

		static AuthConfigView of(SignInOptions options) {
			SignInOptions.Sso sso = options.sso();
			return new AuthConfigView(options.local(),
					(sso != null) ? new SsoView(sso.issuer(), sso.clientId(), sso.scopes()) : null);
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SsoView(String issuer, String clientId, List<String> scopes) {
	}

	/** What a re-wrap run did: counts and a KEK key id, never key material. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record RewrapView(long primaryKeyId, long rewrapped, long skipped, long failed) {

		static RewrapView of(RewrapReport report) {
			return new RewrapView(report.primaryKeyId(), report.rewrapped(), report.skipped(), report.failed());
		}

	}

}
