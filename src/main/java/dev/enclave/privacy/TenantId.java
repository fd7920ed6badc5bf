package dev.enclave.privacy;

import java.util.Objects;
import java.util.UUID;

/**
 * A tenant: the company or team whose data is kept apart from every other tenant's.
 *
 * @param value the tenant's id
 */
public record TenantId(UUID value) {

	public TenantId {
		Objects.requireNonNull(value, "value");
	}

	/** Parses the canonical UUID form. */
	public static TenantId of(String value) {
		return new TenantId(UUID.fromString(value));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
