package dev.enclave.identity.internal;

import java.time.Instant;

import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/** A tenant; {@code disabledAt} is set while the installation's operators have suspended it. */
record TenantRecord(TenantId id, String slug, String name, Instant createdAt, @Nullable Instant disabledAt) {

	boolean active() {
		return this.disabledAt == null;
	}

}
