package dev.enclave.identity;

import java.util.Set;

/** What a person does in a tenant, and the scopes that come with it. */
public enum Role {

	/** Uses the console: chats and keeps conversations. */
	AGENT(Set.of(Scopes.CHAT, Scopes.CONVERSATIONS_READ, Scopes.CONVERSATIONS_WRITE)),

	/** An API client acting as a user. */
	APP(Set.of(Scopes.CHAT, Scopes.CONVERSATIONS_READ, Scopes.CONVERSATIONS_WRITE)),

	/** Manages users, keys and quotas in the tenant, and may use the console itself. */
	ADMIN(Set.of(Scopes.ADMIN, Scopes.AUDIT_READ, Scopes.USAGE_READ, Scopes.CHAT, Scopes.CONVERSATIONS_READ,
			Scopes.CONVERSATIONS_WRITE)),

	/** Reads audit and usage, never content. */
	AUDITOR(Set.of(Scopes.AUDIT_READ, Scopes.USAGE_READ));

	private final Set<String> scopes;

	Role(Set<String> scopes) {
		this.scopes = scopes;
	}

	public Set<String> scopes() {
		return this.scopes;
	}

}
