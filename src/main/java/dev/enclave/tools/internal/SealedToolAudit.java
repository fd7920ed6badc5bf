package dev.enclave.tools.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
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
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * {@code tool_invocations} in plain SQL, arguments and result sealed with the
 * conversation's data key (fields {@code tool.arguments} and {@code tool.result} of the row),
 * so a dump of the table shows what was called, when, by whom and how it ended, but never
 * what it was called with or what came back. A call outside any conversation (an API request
 * that stores nothing) keeps neither.
 */
public final class SealedToolAudit implements ToolAudit {

	static final String ARGUMENTS = "tool.arguments";

	static final String RESULT = "tool.result";

	private static final String COLUMNS = "id, tenant_id, conversation_id, tool_call_id, tool, mode, status, arguments, "
			+ "result, requested_by, approver, trace_id, duration_ms, created_at, expires_at";

	private final DatabaseClient db;

	private final ContentCipher cipher;

	public SealedToolAudit(DatabaseClient db, ContentCipher cipher) {
		this.db = db;
		this.cipher = cipher;
	}

	@Override
	public Mono<Void> record(ToolInvocation call) {
		return Mono.zip(seal(call, ARGUMENTS, call.arguments()), seal(call, RESULT, call.result())).flatMap((sealed) -> {
			DatabaseClient.GenericExecuteSpec spec = this.db
				.sql("INSERT INTO tool_invocations (" + COLUMNS + ") VALUES (:id, :tenant, :conversation, :callId, "
						+ ":tool, :mode, :status, :arguments, :result, :requestedBy, :approver, :traceId, :duration, "
						+ ":created, :expires)")
				.bind("id", call.id())
				.bind("tenant", call.tenant().value())
				.bind("callId", call.toolCallId())
				.bind("tool", call.tool())
				.bind("mode", call.mode().name().toLowerCase(Locale.ROOT))
				.bind("status", call.status().label())
				.bind("requestedBy", call.requestedBy().value())
				.bind("created", call.createdAt().atOffset(ZoneOffset.UTC));
			spec = bindOrNull(spec, "conversation", (call.conversation() != null) ? call.conversation().value() : null,
					UUID.class);
			spec = bindOrNull(spec, "arguments", sealed.getT1().orElse(null), byte[].class);
			spec = bindOrNull(spec, "result", sealed.getT2().orElse(null), byte[].class);
			spec = bindOrNull(spec, "approver", (call.approver() != null) ? call.approver().value() : null, UUID.class);
			spec = bindOrNull(spec, "traceId", call.traceId(), String.class);
			spec = bindOrNull(spec, "duration", (call.durationMillis() != null) ? call.durationMillis().intValue() : null,
					Integer.class);
			spec = bindOrNull(spec, "expires",
					(call.expiresAt() != null) ? call.expiresAt().atOffset(ZoneOffset.UTC) : null, OffsetDateTime.class);
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

	/** A conversation's calls still awaiting approval, oldest first, opened. */
	Flux<ToolInvocation> pending(TenantId tenant, ConversationId conversation) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM tool_invocations WHERE tenant_id = :tenant AND conversation_id = :conversation "
					+ "AND status = 'awaiting_approval' ORDER BY created_at, id")
			.bind("tenant", tenant.value())
			.bind("conversation", conversation.value())
			.map(SealedToolAudit::row)
			.all()
			.concatMap(this::open);
	}

	/** One call of the tenant, opened; empty when there is none. */
	Mono<ToolInvocation> find(TenantId tenant, UUID id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tool_invocations WHERE tenant_id = :tenant AND id = :id")
			.bind("tenant", tenant.value())
			.bind("id", id)
			.map(SealedToolAudit::row)
			.one()
			.flatMap(this::open);
	}

	/**
	 * Takes a decision on a call awaiting approval, once: of two replicas deciding at the same
	 * moment, only one gets true.
	 */
	Mono<Boolean> claim(TenantId tenant, UUID id, ToolCallStatus decision, SubjectId approver, Instant now) {
		return this.db
			.sql("UPDATE tool_invocations SET status = :status, approver = :approver, decided_at = :now "
					+ "WHERE tenant_id = :tenant AND id = :id AND status = 'awaiting_approval' AND expires_at > :now")
			.bind("status", decision.label())
			.bind("approver", approver.value())
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.bind("tenant", tenant.value())
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * Stores how a decided call ended: its final status, the arguments it ran with (a person
	 * may have edited them) and what the model is told, sealed.
	 */
	Mono<Void> finish(ToolInvocation call, ToolCallStatus status, String arguments, String result,
			@Nullable Long durationMillis, Instant now) {
		return Mono.zip(seal(call, ARGUMENTS, arguments), seal(call, RESULT, result)).flatMap((sealed) -> {
			DatabaseClient.GenericExecuteSpec spec = this.db
				.sql("UPDATE tool_invocations SET status = :status, arguments = :arguments, result = :result, "
						+ "duration_ms = :duration, finished_at = :now WHERE tenant_id = :tenant AND id = :id")
				.bind("status", status.label())
				.bind("now", now.atOffset(ZoneOffset.UTC))
				.bind("tenant", call.tenant().value())
				.bind("id", call.id());
			spec = bindOrNull(spec, "arguments", sealed.getT1().orElse(null), byte[].class);
			spec = bindOrNull(spec, "result", sealed.getT2().orElse(null), byte[].class);
			spec = bindOrNull(spec, "duration", (durationMillis != null) ? durationMillis.intValue() : null,
					Integer.class);
			return spec.then();
		});
	}

	/** Calls whose time to be approved has passed, still marked awaiting; at most {@code limit}. */
	Flux<ToolInvocation> due(Instant now, int limit) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM tool_invocations WHERE status = 'awaiting_approval' AND expires_at <= :now "
					+ "ORDER BY expires_at LIMIT :limit")
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.bind("limit", limit)
			.map(SealedToolAudit::row)
			.all()
			.concatMap(this::open);
	}

	/** Marks a call expired, unless someone decided it meanwhile. */
	Mono<Boolean> expire(ToolInvocation call, String result, Instant now) {
		return seal(call, RESULT, result).flatMap((sealed) -> bindOrNull(this.db
			.sql("UPDATE tool_invocations SET status = 'expired', decided_at = :now, finished_at = :now, "
					+ "result = :result WHERE tenant_id = :tenant AND id = :id AND status = 'awaiting_approval'")
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.bind("tenant", call.tenant().value())
			.bind("id", call.id()), "result", sealed.orElse(null), byte[].class)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1));
	}

	/** How many calls await approval, in every tenant: the gauge's reading. */
	Mono<Long> countPending() {
		return this.db.sql("SELECT count(*) AS pending FROM tool_invocations WHERE status = 'awaiting_approval'")
			.map((row) -> row.get("pending", Long.class))
			.one()
			.defaultIfEmpty(0L);
	}

	/** The sealed text, or nothing when there is no text or no conversation to seal it with. */
	private Mono<Optional<byte[]>> seal(ToolInvocation call, String field, @Nullable String text) {
		if (text == null || call.conversation() == null) {
			return Mono.just(Optional.empty());
		}
		return this.cipher.seal(ref(call.tenant(), call.conversation(), call.id(), field), text).map(Optional::of);
	}

	private Mono<ToolInvocation> open(Row row) {
		ConversationId conversation = row.conversation();
		Mono<Optional<String>> arguments = (conversation == null || row.arguments() == null)
				? Mono.just(Optional.empty())
				: this.cipher.open(ref(row.tenant(), conversation, row.id(), ARGUMENTS), row.arguments()).map(Optional::of);
		Mono<Optional<String>> result = (conversation == null || row.result() == null) ? Mono.just(Optional.empty())
				: this.cipher.open(ref(row.tenant(), conversation, row.id(), RESULT), row.result()).map(Optional::of);
		return Mono.zip(arguments, result)
			.map((opened) -> new ToolInvocation(row.id(), row.tenant(), conversation, row.toolCallId(), row.tool(),
					row.mode(), row.status(), opened.getT1().orElse(""), opened.getT2().orElse(null), row.requestedBy(),
					row.approver(), row.traceId(), row.durationMillis(), row.createdAt(), row.expiresAt()));
	}

	private static <T> DatabaseClient.GenericExecuteSpec bindOrNull(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	private static ContentRef ref(TenantId tenant, ConversationId conversation, UUID id, String field) {
		return new ContentRef(tenant, conversation, id, field);
	}

	private static Row row(Readable r) {
		UUID conversation = r.get("conversation_id", UUID.class);
		UUID approver = r.get("approver", UUID.class);
		Integer duration = r.get("duration_ms", Integer.class);
		OffsetDateTime expires = r.get("expires_at", OffsetDateTime.class);
		return new Row(r.get("id", UUID.class), new TenantId(r.get("tenant_id", UUID.class)),
				(conversation != null) ? new ConversationId(conversation) : null, r.get("tool_call_id", String.class),
				r.get("tool", String.class), ToolMode.valueOf(r.get("mode", String.class).toUpperCase(Locale.ROOT)),
				ToolCallStatus.valueOf(r.get("status", String.class).toUpperCase(Locale.ROOT)),
				r.get("arguments", byte[].class), r.get("result", byte[].class),
				new SubjectId(r.get("requested_by", UUID.class)), (approver != null) ? new SubjectId(approver) : null,
				r.get("trace_id", String.class), (duration != null) ? Long.valueOf(duration) : null,
				r.get("created_at", OffsetDateTime.class).toInstant(), (expires != null) ? expires.toInstant() : null);
	}

	private record Row(UUID id, TenantId tenant, @Nullable ConversationId conversation, String toolCallId, String tool,
			ToolMode mode, ToolCallStatus status, byte @Nullable [] arguments, byte @Nullable [] result,
			SubjectId requestedBy, @Nullable SubjectId approver, @Nullable String traceId,
			@Nullable Long durationMillis, Instant createdAt, @Nullable Instant expiresAt) {
	}

}
