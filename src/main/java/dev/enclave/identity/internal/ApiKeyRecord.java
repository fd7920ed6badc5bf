package dev.enclave.identity.internal;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/** A row of {@code api_keys}: what is known of a key, never the key itself. */
record ApiKeyRecord(UUID id, TenantId tenantId, String name, String prefix, Set<String> scopes, UUID createdBy,
		Instant createdAt, @Nullable Instant lastUsedAt, @Nullable Instant expiresAt, @Nullable Instant revokedAt,
		Priority priority, boolean responseCache) {

	boolean usableAt(Instant now) {
		return this.revokedAt == null && (this.expiresAt == null || this.expiresAt.isAfter(now));
	}

}
