package dev.enclave.assistant.internal.turn;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.ToolCall;
import dev.enclave.gateway.TraceIds;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolAudit;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolCallStatus;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolInvocation;
import dev.enclave.tools.ToolMode;
import dev.enclave.tools.ToolOutcome;
import dev.enclave.tools.ToolRegistry;
import dev.enclave.tools.ToolVerdict;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One round of the tool loop: every call the model proposed passes the registry's gate
 * (known tool, the end user's permissions, arguments valid against the schema), then reads
 * run together, writes one after another in the model's order, and writes that need a
 * person are held in the approval queue instead. Each call is audited however it ends.
 */
public final class ToolRunner {

	/** Reads of one round running at once. */
	private static final int PARALLEL_READS = 8;

	static final String NO_APPROVER = "This tool needs a person's approval, which this request cannot wait for; "
			+ "it was not performed.";

	private final ToolRegistry registry;

	private final ToolExecutor executor;

	private final ToolAudit audit;

	private final ToolApprovals approvals;

	private final Clock clock;

	public ToolRunner(ToolRegistry registry, ToolExecutor executor, ToolAudit audit, ToolApprovals approvals,
			Clock clock) {
		this.registry = registry;
		this.executor = executor;
		this.audit = audit;
		this.approvals = approvals;
		this.clock = clock;
	}

	/** The tools shown to this person's model: only those they may use. */
	public List<ToolDefinition> offeredTo(Principal caller, boolean approvalsPossible) {
		return this.registry.offeredTo(caller)
			.stream()
			.filter((tool) -> approvalsPossible || !tool.requiresApproval())
			.toList();
	}

	/**
	 * How one call of a round ended.
	 *
	 * @param status its status; {@code awaiting_approval} while a person decides
	 * @param forModel what the model is told; null while it awaits approval
	 * @param invocation the audit row's id
	 * @param expiresAt when a held call expires
	 */
	public record Called(ToolCall call, ToolCallStatus status, @Nullable String forModel, UUID invocation,
			@Nullable Instant expiresAt) {

		boolean held() {
			return this.status == ToolCallStatus.AWAITING_APPROVAL;
		}

	}

	/** Runs one round, results in the calls' order. */
	Mono<List<Called>> run(List<ToolCall> calls, Principal caller, @Nullable ConversationId conversation) {
		return TraceIds.current().defaultIfEmpty("").flatMap((trace) -> {
			ToolVerdict[] verdicts = new ToolVerdict[calls.size()];
			List<Integer> reads = new ArrayList<>();
			List<Integer> writes = new ArrayList<>();
			for (int i = 0; i < calls.size(); i++) {
				ToolCall call = calls.get(i);
				verdicts[i] = this.registry.check(caller, call.name(), call.arguments());
				boolean write = verdicts[i] instanceof ToolVerdict.Allowed allowed
						&& allowed.tool().definition().mode() == ToolMode.WRITE;
				(write ? writes : reads).add(i);
			}
			Called[] done = new Called[calls.size()];
			String traceId = trace.isEmpty() ? null : trace;
			return Flux.fromIterable(reads)
				.flatMap((i) -> one(calls.get(i), verdicts[i], caller, conversation, traceId)
					.doOnNext((called) -> done[i] = called), PARALLEL_READS)
				.thenMany(Flux.fromIterable(writes)
					.concatMap((i) -> one(calls.get(i), verdicts[i], caller, conversation, traceId)
						.doOnNext((called) -> done[i] = called)))
				.then(Mono.fromSupplier(() -> Arrays.asList(done)));
		});
	}

	private Mono<Called> one(ToolCall call, ToolVerdict verdict, Principal caller,
			@Nullable ConversationId conversation, @Nullable String traceId) {
		if (!(verdict instanceof ToolVerdict.Allowed allowed)) {
			return audited(call, this.executor.refused(verdict), caller, conversation, traceId, false);
		}
		ToolDefinition definition = allowed.tool().definition();
		if (definition.requiresApproval()) {
			if (conversation == null) {
				return audited(call, this.executor.refused(definition.name(), ToolCallStatus.DENIED, NO_APPROVER), caller,
						conversation, traceId, false);
			}
			ToolInvocation proposed = invocation(call, ToolCallStatus.AWAITING_APPROVAL, null, caller, conversation,
					traceId, null);
			return this.approvals.hold(proposed)
				.map((held) -> new Called(call, held.status(), null, held.id(), held.expiresAt()));
		}
		ToolCallContext context = new ToolCallContext(caller,
				(conversation != null) ? conversation.value().toString() : null);
		return this.executor.run(allowed, context)
			.flatMap((outcome) -> audited(call, outcome, caller, conversation, traceId, true));
	}

	private Mono<Called> audited(ToolCall call, ToolOutcome outcome, Principal caller,
			@Nullable ConversationId conversation, @Nullable String traceId, boolean ran) {
		ToolInvocation invocation = invocation(call, outcome.status(), outcome.forModel(), caller, conversation, traceId,
				ran ? outcome.duration().toMillis() : null);
		return this.audit.record(invocation)
			.thenReturn(new Called(call, outcome.status(), outcome.forModel(), invocation.id(), null));
	}

	private ToolInvocation invocation(ToolCall call, ToolCallStatus status, @Nullable String result, Principal caller,
			@Nullable ConversationId conversation, @Nullable String traceId, @Nullable Long durationMillis) {
		ToolDefinition definition = this.registry.definition(call.name());
		ToolMode mode = (definition != null) ? definition.mode() : ToolMode.READ;
		// A name the model made up is audited as it wrote it, cut to the column's sense.
		String tool = (call.name().length() > 64) ? call.name().substring(0, 64) : call.name();
		return new ToolInvocation(UUID.randomUUID(), caller.tenantId(), conversation, call.id(), tool, mode, status,
				call.arguments(), result, caller.subjectId(), null, traceId, durationMillis, this.clock.instant());
	}

}
