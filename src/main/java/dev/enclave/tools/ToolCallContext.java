package dev.enclave.tools;

import dev.enclave.identity.Principal;

/**
 * On whose behalf a tool runs: a tool acts within what this person may do, never more.
 *
 * @param principal the end user of the turn
 * @param conversationId the conversation the call belongs to, as text, or null outside one
 */
public record ToolCallContext(Principal principal, @org.jspecify.annotations.Nullable String conversationId) {
}
