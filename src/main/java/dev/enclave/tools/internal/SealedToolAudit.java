package dev.enclave.tools.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.tools.ToolAudit;
import dev.enclave.tools.ToolCallStatus;
import dev.enclave.tools.ToolInvocation;
import dev.enclave.tools.ToolMode;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * {@code tool_invocations} in plain SQL, arguments and result sealed with the
 * conversation's data key (fields {@code tool.arguments} and {@code tool.result} of the row),
 * so a dump of the table shows what was called, when, by whom and how it ended, but never
 * what it was called with or what came back.
 */
public final class SealedToolAudit implements ToolAudit {

	static final String ARGUMENTS = "tool.arguments";

	static final String RESULT = "tool.result";

	private static final String COLUMNS = "id, tenant_id, conversation_id, tool_call_id, tool, mode, status, arguments, "
			+ "result, requested_by, approver, trace_id, duration_ms, created_at";

	private final DatabaseClient db;

	private final ContentCipher cipher;

	public SealedToolAudit(DatabaseClient db, ContentCipher cipher) {
		this.db = db;
		this.cipher = cipher;
	}

	@Override
	public Mono<Void> record(ToolInvocation call) {
		Mono<byte[]> arguments = this.cipher.seal(ref(call.tenant(), call.conversation(), call.id(), ARGUMENTS),
				call.arguments());
		Mono<java.util.Optional<byte[]>> result = (call.result() == null) ? Mono.just(java.util.Optional.empty())
				: this.cipher.seal(ref(call.tenant(), call.conversation(), call.id(), RESULT), call.result())
					.map(java.util.Optional::of);
		return Mono.zip(arguments, result).flatMap((sealed) -> {
			DatabaseClient.GenericExecuteSpec spec = this.db
				.sql("INSERT INTO tool_invocations (" + COLUMNS + ") VALUES (:id, :tenant, :conversation, :callId, "
						+ ":tool, :mode, :status, :arguments, :result, :requestedBy, :approver, :traceId, :duration, "
						+ ":created)")
				.bind("id", call.id())
				.bind("tenant", call.tenant().value())
				.bind("conversation", call.conversation().value())
				.bind("callId", call.toolCallId())
				.bind("tool", call.tool())
				.bind("mode", call.mode().name().toLowerCase(Locale.ROOT))
				.bind("status", call.status().label())
				.bind("arguments", sealed.getT1())
				.bind("requestedBy", call.requestedBy().value())
				.bind("created", call.createdAt().atOffset(ZoneOffset.UTC));
			spec = sealed.getT2().isPresent() ? spec.bind("result", sealed.getT2().get()) : spec.bindNull("result", byte[].class);
			spec = (call.approver() != null) ? spec.bind("approver", call.approver().value())
					: spec.bindNull("approver", UUID.class);
			spec = (call.traceId() != null) ? spec.bind("traceId", call.traceId()) : spec.bindNull("traceId", String.class);
			spec = (call.durationMillis() != null) ? spec.bind("duration", call.durationMillis().intValue())
					: spec.bindNull("duration", Integer.class);
			return spec.then();
		});
	}

	@Override
	public Flux<ToolInvocation> list(TenantId tenant, ConversationId conversation) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM tool_invocations WHERE tenant_id = :tenant AND conversation_id = :conversation "
					+ "ORDER BY created_at, id")
			.bind("tenant", tenant.value())
			.bind("conversation", conversation.value())
			.map(SealedToolAudit::row)
			.all()
			.concatMap(this::open);
	}

	private Mono<ToolInvocation> open(Row row) {
		Mono<String> arguments = this.cipher.open(ref(row.tenant(), row.conversation(), row.id(), ARGUMENTS),
				row.arguments());
		Mono<java.util.Optional<String>> result = (row.result() == null) ? Mono.just(java.util.Optional.empty())
				: this.cipher.open(ref(row.tenant(), row.conversation(), row.id(), RESULT), row.result())
					.map(java.util.Optional::of);
		return Mono.zip(arguments, result)
			.map((opened) -> new ToolInvocation(row.id(), row.tenant(), row.conversation(), row.toolCallId(), row.tool(),
					row.mode(), row.status(), opened.getT1(), opened.getT2().orElse(null), row.requestedBy(),
					row.approver(), row.traceId(), row.durationMillis(), row.createdAt()));
	}

	private static ContentRef ref(TenantId tenant, ConversationId conversation, UUID id, String field) {
		return new ContentRef(tenant, conversation, id, field);
	}

	private static Row row(Readable r) {
		UUID approver = r.get("approver", UUID.class);
		Integer duration = r.get("duration_ms", Integer.class);
		return new Row(r.get("id", UUID.class), new TenantId(r.get("tenant_id", UUID.class)),
				new ConversationId(r.get("conversation_id", UUID.class)), r.get("tool_call_id", String.class),
				r.get("tool", String.class), ToolMode.valueOf(r.get("mode", String.class).toUpperCase(Locale.ROOT)),
				ToolCallStatus.valueOf(r.get("status", String.class).toUpperCase(Locale.ROOT)),
				r.get("arguments", byte[].class), r.get("result", byte[].class),
				new SubjectId(r.get("requested_by", UUID.class)), (approver != null) ? new SubjectId(approver) : null,
				r.get("trace_id", String.class), (duration != null) ? Long.valueOf(duration) : null,
				r.get("created_at", java.time.OffsetDateTime.class).toInstant());
	}

	private record Row(UUID id, TenantId tenant, ConversationId conversation, String toolCallId, String tool,
			ToolMode mode, ToolCallStatus status, byte[] arguments, byte @org.jspecify.annotations.Nullable [] result,
			SubjectId requestedBy, @org.jspecify.annotations.Nullable SubjectId approver,
			@org.jspecify.annotations.Nullable String traceId, @org.jspecify.annotations.Nullable Long durationMillis,
			Instant createdAt) {
	}

}
