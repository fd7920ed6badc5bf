package dev.enclave.tools;

import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.ToolCall;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable queue of write calls waiting for a person: rows of {@code tool_invocations} in
 * {@code awaiting_approval}, so they survive a restart and any replica can decide them. A
 * call is decided once (approved, rejected, or expired when nobody decided in time), and
 * what the model is told of it is kept, sealed, until the conversation's next turn reads it.
 */
public interface ToolApprovals {

	/**
	 * Holds a call that requires approval.
	 * @param proposed the call as proposed, in a conversation; its status and expiry are set here
	 * @return the held call, with the time it expires
	 */
	Mono<ToolInvocation> hold(ToolInvocation proposed);

	/** A conversation's calls awaiting a decision and not yet expired, oldest first; the caller checked ownership. */
	Flux<ToolInvocation> pending(TenantId tenant, ConversationId conversation);

	/**
	 * Approves a call and runs it, with the arguments as proposed or as the approver edited
	 * them (checked against the tool's schema again, and the approver's own permission to use
	 * the tool). The approver is the conversation's owner or holds a role the tool names.
	 * @return the decided call and its outcome; {@code not_found} for a call the approver may
	 * not decide, {@code conflict} for one already decided or expired, {@code invalid_request}
	 * for edited arguments the schema refuses (the call stays pending)
	 */
	Mono<ToolDecision> approve(Principal approver, UUID id, @Nullable String editedArguments);

	/** Rejects a call: it never runs, and the model is told a person declined it. Errors as for {@link #approve}. */
	Mono<ToolDecision> reject(Principal approver, UUID id);

	/**
	 * What the model is told of each of an answer's tool calls that were decided after the
	 * answer ended, as tool messages in the calls' order: the result of an approved call, the
	 * refusal of a rejected or expired one (expiring any whose time has passed), and for a
	 * call with no record that it was not performed.
	 */
	Mono<List<ExchangeMessage>> results(TenantId tenant, ConversationId conversation, List<ToolCall> calls);

}
