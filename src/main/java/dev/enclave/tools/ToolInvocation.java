package dev.enclave.tools;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * One tool call in the audit trail. Arguments and result are content: they are stored
 * sealed with the conversation's key and appear here opened, for the conversation's owner.
 *
 * @param id the audit row's id
 * @param toolCallId the id the model gave the call
 * @param arguments the arguments as the model wrote them
 * @param result what the model was told, or null while nothing was
 * @param requestedBy the end user on whose behalf the call was proposed
 * @param approver who approved or rejected it, when a person decided
 * @param durationMillis how long it ran; null when it did not run
 */
public record ToolInvocation(UUID id, TenantId tenant, ConversationId conversation, String toolCallId, String tool,
		ToolMode mode, ToolCallStatus status, String arguments, @Nullable String result, SubjectId requestedBy,
		@Nullable SubjectId approver, @Nullable String traceId, @Nullable Long durationMillis, Instant createdAt) {
}
