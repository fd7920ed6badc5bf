package dev.enclave.assistant.internal;

import java.util.Optional;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolDecision;
import dev.enclave.tools.ToolInvocation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * A person's decision on a tool call waiting for approval. When the conversation's owner
 * decides its last waiting call, the turn continues at once: the model is told the results
 * and answers, as server-sent events or as JSON. Anyone else who may decide (a role the tool
 * names) only decides; the owner's next message, or their own decision, continues it.
 */
@RestController
@Tag(name = "Tools")
class ToolApprovalsController {

	private final ToolApprovals approvals;

	private final ConsoleTurns turns;

	ToolApprovalsController(ToolApprovals approvals, ConsoleTurns turns) {
		this.approvals = approvals;
		this.turns = turns;
	}

	/** @param arguments the arguments to run the call with instead of the model's, checked against the tool's schema */
	record Approval(@Nullable JsonNode arguments) {
	}

	/**
	 * @param toolCall the decided call
	 * @param answer the model's answer when the turn continued; null when it did not (calls
	 * still wait, or the decider is not the conversation's owner)
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Decided(ConsoleTurns.ToolCallView toolCall, @Nullable ConversationMessage answer) {
	}

	@PostMapping(path = "/api/v1/tool-calls/{id}/approve",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE })
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "Approve a tool call and run it",
			description = "Optionally with edited arguments ({\"arguments\": {...}}), checked against the tool's schema. "
					+ "With Accept: text/event-stream the decision comes as a tool_call event, then the continued turn's events.")
	Mono<ResponseEntity<?>> approve(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@RequestBody(required = false) @Nullable Approval approval, ServerWebExchange exchange) {
		String edited = (approval != null && approval.arguments() != null && !approval.arguments().isNull())
				? approval.arguments().toString() : null;
		return this.approvals.approve(caller, id, edited).flatMap((decision) -> decided(caller, decision, exchange));
	}

	@PostMapping(path = "/api/v1/tool-calls/{id}/reject",
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE })
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "Reject a tool call", description = "It never runs; the model is told a person declined it.")
	Mono<ResponseEntity<?>> reject(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			ServerWebExchange exchange) {
		return this.approvals.reject(caller, id).flatMap((decision) -> decided(caller, decision, exchange));
	}

	private Mono<ResponseEntity<?>> decided(Principal caller, ToolDecision decision, ServerWebExchange exchange) {
		ToolInvocation call = decision.call();
		ConsoleTurns.ToolCallView view = view(call);
		ConversationId conversation = call.conversation();
		boolean stream = TurnController.streams(exchange);
		Mono<ResponseEntity<?>> alone = Mono.defer(() -> stream
				? this.turns.streamedAlone(this.turns.event("tool_call", view), exchange)
				: Mono.just(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new Decided(view, null))));
		if (conversation == null || !caller.subjectId().equals(call.requestedBy())) {
			return alone;
		}
		return this.approvals.pending(caller.tenantId(), conversation).hasElements().flatMap((waiting) -> {
			if (waiting) {
				return alone;
			}
			return this.turns.start(caller, conversation, ConsoleTurns.Options.continuing())
				.map(Optional::of)
				// Two last decisions at once (two replicas): one continues the turn, the other
				// answers with its decision alone rather than an error for a decision that was made.
				.onErrorResume((refused) -> refused instanceof ApiException api && api.code() == ErrorCode.CONFLICT,
						(refused) -> Mono.just(Optional.empty()))
				// Not switchIfEmpty: a streamed answer completes empty once it is written.
				.flatMap((continued) -> {
					if (continued.isEmpty()) {
						return alone;
					}
					ConsoleTurns.Started started = continued.get();
					if (stream) {
						return this.turns.streamed(started, Flux.just(this.turns.event("tool_call", view)), exchange);
					}
					return this.turns.answered(started)
						.map((answered) -> ResponseEntity.ok()
							.headers(answered.getHeaders())
							.body(new Decided(view, (ConversationMessage) answered.getBody())));
				});
		});
	}

	private static ConsoleTurns.ToolCallView view(ToolInvocation call) {
		return new ConsoleTurns.ToolCallView(call.id(), call.toolCallId(), call.tool(),
				ConsoleTurns.json(call.arguments()), call.status().label(),
				(call.result() != null) ? ConsoleTurns.json(call.result()) : null, call.expiresAt());
	}

}
