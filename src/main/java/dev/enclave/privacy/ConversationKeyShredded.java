package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.time.Instant;

/**
 * Published once when a conversation's data key has been destroyed. It carries ids and the
 * time only, so the audit log can record the erasure without any content.
 *
 * @param tenant the tenant that owned the conversation
 * @param conversation the shredded conversation
 * @param at when the key was destroyed
 */
public record ConversationKeyShredded(TenantId tenant, ConversationId conversation, Instant at) {
}
