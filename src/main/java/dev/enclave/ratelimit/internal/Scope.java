package dev.enclave.ratelimit.internal;

import java.util.Locale;
import java.util.UUID;

/** Whose limit: an API key, a user or a tenant, by id. */
record Scope(Kind kind, UUID id) {

	enum Kind {

		KEY, USER, TENANT;

		String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Kind of(String value) {
			return switch (value) {
				case "key" -> KEY;
				case "user" -> USER;
				case "tenant" -> TENANT;
				default -> throw new IllegalArgumentException(value);
			};
		}

	}

	/** The stable name of this scope in the limit store; holds ids only, never personal data. */
	String storeKey() {
		return this.kind.value() + ":" + this.id;
	}

}
