package dev.enclave.ratelimit.internal;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Whose limit: an API key, a user or a tenant, by id. A class rather than a record so that its
 * store key is built once: every admitted request looks its scopes up by that key several
 * times.
 */
final class Scope {

	enum Kind {

		KEY, USER, TENANT;

		private final String value = name().toLowerCase(Locale.ROOT);

		String value() {
			return this.value;
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

	private final Kind kind;

	private final UUID id;

	private final String storeKey;

	Scope(Kind kind, UUID id) {
		this.kind = Objects.requireNonNull(kind);
		this.id = Objects.requireNonNull(id);
		this.storeKey = kind.value() + ":" + id;
	}

	Kind kind() {
		return this.kind;
	}

	UUID id() {
		return this.id;
	}

	/** The stable name of this scope in the limit store; holds ids only, never personal data. */
	String storeKey() {
		return this.storeKey;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Scope scope && this.kind == scope.kind && this.id.equals(scope.id);
	}

	@Override
	public int hashCode() {
		return this.kind.hashCode() * 31 + this.id.hashCode();
	}

	@Override
	public String toString() {
		return this.storeKey;
	}

}
