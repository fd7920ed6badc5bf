package dev.enclave.identity;

import java.util.UUID;

/**
 * Who acts: a user's id, or an API key's id for an app. Stable, opaque and free of personal
 * data, so it may appear in logs and audit rows.
 */
public record SubjectId(UUID value) {

	public static SubjectId of(String value) {
		return new SubjectId(UUID.fromString(value));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
