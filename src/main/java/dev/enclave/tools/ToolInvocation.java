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
 * @param conversation the conversation it was made in; null for a call of an API request
 * that stores nothing, whose arguments and result are then not kept at all
 * @param durationMillis how long it ran; null when it did not run
 * @param expiresAt when a call awaiting approval is answered as rejected; null for others
 */
public record ToolInvocation(UUID id, TenantId tenant, @Nullable ConversationId conversation, String toolCallId,
		String tool, ToolMode mode, ToolCallStatus status, String arguments, @Nullable String result,
		SubjectId requestedBy, @Nullable SubjectId approver, @Nullable String traceId, @Nullable Long durationMillis,
		Instant createdAt, @Nullable Instant expiresAt) {

	/** A call that never waited for approval. */
	public ToolInvocation(UUID id, TenantId tenant, @Nullable ConversationId conversation, String toolCallId, String tool,
			ToolMode mode, ToolCallStatus status, String arguments, @Nullable String result, SubjectId requestedBy,
			@Nullable SubjectId approver, @Nullable String traceId, @Nullable Long durationMillis, Instant createdAt) {
		this(id, tenant, conversation, toolCallId, tool, mode, status, arguments, result, requestedBy, approver, traceId,
				durationMillis, createdAt, null);
	}

}
