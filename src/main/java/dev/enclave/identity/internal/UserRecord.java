package dev.enclave.identity.internal;

import java.time.Instant;
import java.util.Set;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/** A row of {@code users}. The password hash never leaves the identity module. */
record UserRecord(SubjectId id, TenantId tenantId, String username, String displayName, AuthMethod authMethod,
		@Nullable String passwordHash, @Nullable String oidcIssuer, @Nullable String oidcSubject, Set<Role> roles,
		boolean enabled, Instant createdAt, Instant updatedAt) {
}
