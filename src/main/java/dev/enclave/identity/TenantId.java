package dev.enclave.identity;

import java.util.UUID;

/** The id of a tenant: every resource belongs to exactly one, and nobody sees across them. */
public record TenantId(UUID value) {

	public static TenantId of(String value) {
		return new TenantId(UUID.fromString(value));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
