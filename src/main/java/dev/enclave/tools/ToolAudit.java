package dev.enclave.tools;

import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit trail of tool calls ({@code tool_invocations}): every call Enclave decided on,
 * run or refused, with its arguments and result sealed like message content.
 */
public interface ToolAudit {

	/** Records a call; its arguments and result are sealed before they are written. */
	Mono<Void> record(ToolInvocation invocation);

	/** A conversation's calls, oldest first, opened; the caller has checked ownership. */
	Flux<ToolInvocation> list(TenantId tenant, ConversationId conversation);

}
