package dev.enclave.identity.internal;

import java.time.Instant;

import dev.enclave.shared.TenantId;

record TenantRecord(TenantId id, String slug, String name, Instant createdAt) {
}
