package dev.enclave.identity;

import java.util.Set;

/**
 * What a caller may do. Handlers check scopes (as authorities {@code SCOPE_<scope>}), never
 * roles: an API key carries scopes directly, a user gets those of their roles.
 */
public final class Scopes {

	/** Chat with the assistant and list models. */
	public static final String CHAT = "chat";

	/** Read one's own conversations. */
	public static final String CONVERSATIONS_READ = "conversations:read";

	/** Create, change and delete one's own conversations. */
	public static final String CONVERSATIONS_WRITE = "conversations:write";

	/** Manage users, API keys and quotas of one's tenant. */
	public static final String ADMIN = "admin";

	/** Read the tenant's audit log. */
	public static final String AUDIT_READ = "audit:read";

	/** Read the tenant's usage figures (never content). */
	public static final String USAGE_READ = "usage:read";

	/**
	 * Lets the assistant run Enclave's own tools on the OpenAI-compatible API for this key
	 * (console turns always may, within the person's permissions).
	 */
	public static final String TOOLS = "tools";

	/** Every scope there is. */
	public static final Set<String> ALL = Set.of(CHAT, CONVERSATIONS_READ, CONVERSATIONS_WRITE, ADMIN, AUDIT_READ,
			USAGE_READ, TOOLS);

	private Scopes() {
	}

	/** The Spring Security authority that stands for a scope. */
	public static String authority(String scope) {
		return "SCOPE_" + scope;
	}

}
