package dev.enclave.tools.internal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.enclave.conversation.Conversations;
import dev.enclave.gateway.ApiException;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolAudit;
import dev.enclave.tools.ToolCallStatus;
import dev.enclave.tools.ToolInvocation;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A conversation's tool calls, for its owner: the audit trail with arguments and results opened. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class ToolCallsController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Conversations conversations;

	private final ToolAudit audit;

	private final ToolApprovals approvals;

	ToolCallsController(Conversations conversations, ToolAudit audit, ToolApprovals approvals) {
		this.conversations = conversations;
		this.audit = audit;
		this.approvals = approvals;
	}

	@GetMapping("/conversations/{id}/tool-calls")
	@PreAuthorize("hasAuthority('SCOPE_conversations:read')")
	@Operation(summary = "A conversation's tool calls", description = "Oldest first: tool, mode, status, who asked "
			+ "and who approved, duration, trace id, and the arguments and result (stored sealed). "
			+ "With status=awaiting_approval, only the calls waiting for a decision.")
	Mono<ToolCallList> list(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@RequestParam(required = false) @Nullable String status) {
		ConversationId conversation = new ConversationId(id);
		if (status != null && !status.equals(ToolCallStatus.AWAITING_APPROVAL.label())) {
			return Mono.error(ApiException.invalidParam("status", "may only be awaiting_approval"));
		}
		return this.conversations.requireOwned(caller, conversation)
			.thenMany((status != null) ? this.approvals.pending(caller.tenantId(), conversation)
					: this.audit.list(caller.tenantId(), conversation))
			.map(ToolCallsController::view)
			.collectList()
			.map(ToolCallList::new);
	}

	private static ToolCallView view(ToolInvocation call) {
		return new ToolCallView(call.id(), call.toolCallId(), call.tool(), call.mode().name().toLowerCase(Locale.ROOT),
				call.status().label(), json(call.arguments()), (call.result() != null) ? json(call.result()) : null,
				call.requestedBy().value(), (call.approver() != null) ? call.approver().value() : null, call.traceId(),
				call.durationMillis(), call.createdAt(), call.expiresAt());
	}

	/** Arguments as the model wrote them may not be JSON at all; then they are shown as text. */
	private static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (RuntimeException ex) {
			return JSON.getNodeFactory().stringNode(text);
		}
	}

	record ToolCallList(List<ToolCallView> data) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ToolCallView(UUID id, String toolCallId, String tool, String mode, String status, JsonNode arguments,
			@Nullable JsonNode result, UUID requestedBy, @Nullable UUID approver, @Nullable String traceId,
			@Nullable Long durationMs, Instant createdAt, @Nullable Instant expiresAt) {
	}

}
