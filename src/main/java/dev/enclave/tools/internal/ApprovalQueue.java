package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.ToolCall;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.FieldIssue;
import dev.enclave.identity.Principal;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolCallStatus;
import dev.enclave.tools.ToolDecision;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolInvocation;
import dev.enclave.tools.ToolOutcome;
import dev.enclave.tools.ToolRegistry;
import dev.enclave.tools.ToolVerdict;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The approval queue over {@code tool_invocations}. Every decision is a conditional update
 * ({@code WHERE status = 'awaiting_approval' AND expires_at > now}), so of two people (or
 * replicas) deciding at once exactly one wins, and nothing is decided after it expired.
 */
public final class ApprovalQueue implements ToolApprovals {

	static final String REJECTED = "A person reviewed this call and rejected it; it was not performed.";

	static final String EXPIRED = "Nobody approved this call in time, so it was rejected; it was not performed.";

	static final String NOT_PERFORMED = "This call was not performed.";

	private final SealedToolAudit audit;

	private final ToolRegistry registry;

	private final ToolExecutor executor;

	private final ToolResults results;

	private final Clock clock;

	private final Duration timeout;

	private final MeterRegistry meters;

	public ApprovalQueue(SealedToolAudit audit, ToolRegistry registry, ToolExecutor executor, int resultMaxBytes,
			Clock clock, Duration timeout, MeterRegistry meters) {
		this.audit = audit;
		this.registry = registry;
		this.executor = executor;
		this.results = new ToolResults(resultMaxBytes);
		this.clock = clock;
		this.timeout = timeout;
		this.meters = meters;
	}

	@Override
	public Mono<ToolInvocation> hold(ToolInvocation proposed) {
		if (proposed.conversation() == null) {
			return Mono.error(new IllegalArgumentException("Only a call in a conversation can wait for approval"));
		}
		Instant now = this.clock.instant();
		ToolInvocation held = new ToolInvocation(proposed.id(), proposed.tenant(), proposed.conversation(),
				proposed.toolCallId(), proposed.tool(), proposed.mode(), ToolCallStatus.AWAITING_APPROVAL,
				proposed.arguments(), null, proposed.requestedBy(), null, proposed.traceId(), null, now,
				now.plus(this.timeout));
		count(held.tool(), ToolCallStatus.AWAITING_APPROVAL);
		return this.audit.record(held).thenReturn(held);
	}

	@Override
	public Flux<ToolInvocation> pending(TenantId tenant, ConversationId conversation) {
		Instant now = this.clock.instant();
		return this.audit.pending(tenant, conversation)
			.filter((call) -> call.expiresAt() != null && call.expiresAt().isAfter(now));
	}

	@Override
	public Mono<ToolDecision> approve(Principal approver, UUID id, @Nullable String editedArguments) {
		return decidable(approver, id).flatMap((call) -> {
			String arguments = (editedArguments != null) ? editedArguments : call.arguments();
			ToolVerdict verdict = this.registry.check(approver, call.tool(), arguments);
			if (verdict instanceof ToolVerdict.Invalid invalid) {
				return Mono.error(ApiException.invalid("The edited arguments do not satisfy the tool's schema",
						invalid.errors().stream().map((error) -> new FieldIssue("arguments", error)).toList()));
			}
			if (verdict instanceof ToolVerdict.Unknown) {
				// Its MCP server is away, say: the call keeps waiting, and may still be rejected.
				return Mono.error(new ApiException(ErrorCode.CONFLICT,
						"The tool '" + call.tool() + "' is not available right now; approve later, or reject the call"));
			}
			if (!(verdict instanceof ToolVerdict.Allowed allowed)) {
				// The approver may not use the tool themselves, so they cannot make it run.
				return Mono.error(ApiException.notFound("tool call"));
			}
			return claim(approver, call, ToolCallStatus.APPROVED)
				.then(this.executor.run(allowed, new ToolCallContext(approver, conversationText(call))))
				.flatMap((outcome) -> finish(call, approver, arguments, outcome));
		});
	}

	@Override
	public Mono<ToolDecision> reject(Principal approver, UUID id) {
		return decidable(approver, id).flatMap((call) -> {
			ToolOutcome outcome = new ToolOutcome(call.tool(), ToolCallStatus.REJECTED,
					this.results.error(call.tool(), REJECTED), Duration.ZERO);
			return claim(approver, call, ToolCallStatus.REJECTED)
				.then(finish(call, approver, call.arguments(), outcome));
		});
	}

	@Override
	public Mono<List<ExchangeMessage>> results(TenantId tenant, ConversationId conversation, List<ToolCall> calls) {
		if (calls.isEmpty()) {
			return Mono.just(List.of());
		}
		Instant now = this.clock.instant();
		return this.audit.list(tenant, conversation).collectList().flatMap((recorded) -> Flux.fromIterable(calls)
			.concatMap((call) -> {
				// The latest record of the call: a model may reuse an id in later answers.
				ToolInvocation latest = null;
				for (ToolInvocation invocation : recorded) {
					if (invocation.toolCallId().equals(call.id())) {
						latest = invocation;
					}
				}
				if (latest == null) {
					return Mono.just(told(call, this.results.error(call.name(), NOT_PERFORMED)));
				}
				if (latest.status() == ToolCallStatus.AWAITING_APPROVAL) {
					ToolInvocation overdue = latest;
					return expire(overdue, now).thenReturn(told(call, this.results.error(call.name(), EXPIRED)));
				}
				String result = (latest.result() != null) ? latest.result()
						: this.results.error(call.name(), NOT_PERFORMED);
				return Mono.just(told(call, result));
			})
			.collectList());
	}

	/**
	 * Expires calls whose time has passed, a batch at a time.
	 * @return how many this pass expired
	 */
	Mono<Long> expireDue(int batch) {
		Instant now = this.clock.instant();
		return this.audit.due(now, batch).concatMap((call) -> expire(call, now)).filter(Boolean::booleanValue).count();
	}

	private Mono<Boolean> expire(ToolInvocation call, Instant now) {
		return this.audit.expire(call, this.results.error(call.tool(), EXPIRED), now).doOnNext((expired) -> {
			if (expired) {
				count(call.tool(), ToolCallStatus.EXPIRED);
			}
		});
	}

	/**
	 * The call, if this person may decide it now: of their tenant, and theirs (the
	 * conversation's owner proposed it) or of a tool naming one of their roles as approvers.
	 * Anyone else is told there is no such call, as for another tenant's.
	 */
	private Mono<ToolInvocation> decidable(Principal approver, UUID id) {
		return this.audit.find(approver.tenantId(), id)
			.filter((call) -> call.conversation() != null && mayDecide(approver, call))
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("tool call")))
			.flatMap((call) -> {
				if (call.status() != ToolCallStatus.AWAITING_APPROVAL) {
					return Mono.error(new ApiException(ErrorCode.CONFLICT,
							"This tool call was already decided: it is " + call.status().label()));
				}
				if (call.expiresAt() != null && !call.expiresAt().isAfter(this.clock.instant())) {
					return expire(call, this.clock.instant()).then(Mono.error(new ApiException(ErrorCode.CONFLICT,
							"This tool call expired before anyone decided it; the model was told it was rejected")));
				}
				return Mono.just(call);
			});
	}

	private boolean mayDecide(Principal approver, ToolInvocation call) {
		if (approver.subjectId().equals(call.requestedBy())) {
			return true;
		}
		ToolDefinition definition = this.registry.definition(call.tool());
		return definition != null && definition.approverRoles().stream().anyMatch(approver.roles()::contains);
	}

	private Mono<Void> claim(Principal approver, ToolInvocation call, ToolCallStatus decision) {
		return this.audit.claim(call.tenant(), call.id(), decision, approver.subjectId(), this.clock.instant())
			.flatMap((claimed) -> claimed ? Mono.<Void>empty()
					: Mono.error(new ApiException(ErrorCode.CONFLICT,
							"This tool call was decided by someone else, or expired, a moment ago")));
	}

	private Mono<ToolDecision> finish(ToolInvocation call, Principal approver, String arguments, ToolOutcome outcome) {
		Long duration = outcome.status() == ToolCallStatus.REJECTED ? null : outcome.duration().toMillis();
		if (outcome.status() == ToolCallStatus.REJECTED) {
			count(call.tool(), ToolCallStatus.REJECTED);
		}
		ToolInvocation decided = new ToolInvocation(call.id(), call.tenant(), call.conversation(), call.toolCallId(),
				call.tool(), call.mode(), outcome.status(), arguments, outcome.forModel(), call.requestedBy(),
				approver.subjectId(), call.traceId(), duration, call.createdAt(), call.expiresAt());
		return this.audit.finish(call, outcome.status(), arguments, outcome.forModel(), duration, this.clock.instant())
			.thenReturn(new ToolDecision(decided, outcome));
	}

	private static @Nullable String conversationText(ToolInvocation call) {
		return (call.conversation() != null) ? call.conversation().value().toString() : null;
	}

	private static ExchangeMessage told(ToolCall call, String result) {
		return new ExchangeMessage(MessageRole.TOOL, result, List.of(), call.id());
	}

	/** Approval decisions by tool and status; the executor counts the calls that run. */
	private void count(String tool, ToolCallStatus status) {
		this.meters.counter(EnclaveMeter.TOOL_APPROVALS.getName(), EnclaveMeter.Tags.TOOL.asString(), tool,
				EnclaveMeter.Tags.STATUS.asString(), status.label())
			.increment();
	}

}
