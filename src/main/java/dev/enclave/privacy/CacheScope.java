package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Whose an {@link EncryptedCache} entry is: always a tenant, and a conversation when the
 * entry must disappear with it (for example a prompt-prefix cache).
 *
 * @param tenant the tenant; entries of one tenant are never visible to another
 * @param conversation the conversation, or {@code null} for tenant-wide entries
 */
public record CacheScope(TenantId tenant, @Nullable ConversationId conversation) {

	public CacheScope {
		Objects.requireNonNull(tenant, "tenant");
	}

	/** Entries shared by the tenant's conversations, such as a response cache. */
	public static CacheScope tenant(TenantId tenant) {
		return new CacheScope(tenant, null);
	}

	/** Entries that belong to one conversation and are purged when it is shredded. */
	public static CacheScope conversation(TenantId tenant, ConversationId conversation) {
		return new CacheScope(tenant, Objects.requireNonNull(conversation, "conversation"));
	}

}
