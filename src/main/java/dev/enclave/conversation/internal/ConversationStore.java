package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The conversation tables, reactively, in plain SQL: every query names the tenant and, for
 * a user's resources, the owner, so another tenant's rows are never even read. Content
 * columns pass through sealed; this class never sees plaintext.
 */
final class ConversationStore {

	private static final String CONVERSATION = "id, tenant_id, owner_id, title, system_prompt, model, created_at, "
			+ "updated_at, retention_until";

	private static final String MESSAGE = "id, conversation_id, seq, role, content, status, prompt_tokens, "
			+ "completion_tokens, model, finish_reason, latency_ms, ttft_ms, created_at";

	/** The retention deadline of a conversation active at {@code :now}, from its tenant's setting. */
	private static final String RETENTION = "(SELECT :now + make_interval(days => retention_days) "
			+ "FROM retention_settings WHERE tenant_id = :tenant)";

	private final DatabaseClient db;

	ConversationStore(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> insert(ConversationRow row) {
		return this.db
			.sql("INSERT INTO conversations (" + CONVERSATION + ") VALUES (:id, :tenant, :owner, :title, :system, :model, "
					+ ":now, :now, " + RETENTION + ")")
			.bind("id", row.uuid())
			.bind("tenant", row.tenant().value())
			.bind("owner", row.owner().value())
			.bindNull("title", byte[].class)
			.bindNull("system", byte[].class)
			.bind("model", row.model())
			.bind("now", row.createdAt())
			.then();
	}

	/** Sets the sealed title and system prompt (sealing needs the row's key, so they follow the insert). */
	Mono<Void> setContent(ConversationId id, byte @Nullable [] title, byte @Nullable [] systemPrompt) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE conversations SET title = :title, system_prompt = :system WHERE id = :id")
			.bind("id", id.value());
		spec = (title != null) ? spec.bind("title", title) : spec.bindNull("title", byte[].class);
		spec = (systemPrompt != null) ? spec.bind("system", systemPrompt) : spec.bindNull("system", byte[].class);
		return spec.then();
	}

	Mono<Boolean> rename(TenantId tenant, SubjectId owner, ConversationId id, byte @Nullable [] title, Instant now) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE conversations SET title = :title, updated_at = :now, retention_until = " + RETENTION
					+ " WHERE id = :id AND tenant_id = :tenant AND owner_id = :owner AND status = 'active'")
			.bind("id", id.value())
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.bind("now", now);
		spec = (title != null) ? spec.bind("title", title) : spec.bindNull("title", byte[].class);
		return spec.fetch().rowsUpdated().map((count) -> count > 0);
	}

	Mono<ConversationRow> find(TenantId tenant, SubjectId owner, ConversationId id) {
		return this.db
			.sql("SELECT " + CONVERSATION + " FROM conversations WHERE id = :id AND tenant_id = :tenant "
					+ "AND owner_id = :owner AND status = 'active'")
			.bind("id", id.value())
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.map(ConversationStore::conversation)
			.one();
	}

	/**
	 * One page of the owner's conversations, newest first, by keyset; with terms, only those
	 * whose title has every one of them.
	 */
	Flux<ConversationRow> page(TenantId tenant, SubjectId owner, @Nullable PageCursor after, List<byte[]> terms,
			int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + CONVERSATION
				+ " FROM conversations c WHERE tenant_id = :tenant AND owner_id = :owner AND status = 'active'");
		if (after != null) {
			sql.append(" AND (created_at, id) < (:created, :after)");
		}
		if (!terms.isEmpty()) {
			sql.append(" AND id IN (SELECT conversation_id FROM conversation_title_terms WHERE term IN (:terms)"
					+ " GROUP BY conversation_id HAVING count(*) = :termCount)");
		}
		sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString())
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.bind("limit", limit);
		if (after != null) {
			spec = spec.bind("created", after.created()).bind("after", after.id());
		}
		if (!terms.isEmpty()) {
			spec = spec.bind("terms", terms).bind("termCount", terms.size());
		}
		return spec.map(ConversationStore::conversation).all();
	}

	Mono<Void> replaceTitleTerms(ConversationId id, List<byte[]> terms) {
		Mono<Void> delete = this.db.sql("DELETE FROM conversation_title_terms WHERE conversation_id = :id")
			.bind("id", id.value())
			.then();
		if (terms.isEmpty()) {
			return delete;
		}
		return delete.then(Flux.fromIterable(terms)
			.concatMap((term) -> this.db
				.sql("INSERT INTO conversation_title_terms (conversation_id, term) VALUES (:id, :term) "
						+ "ON CONFLICT DO NOTHING")
				.bind("id", id.value())
				.bind("term", term)
				.then())
			.then());
	}

	/**
	 * Takes the conversation's turn lock unless a turn holds it (a lock older than
	 * {@code staleBefore} is a crashed turn's and is taken over).
	 * @return true when this call took it
	 */
	Mono<Boolean> lockTurn(TenantId tenant, SubjectId owner, ConversationId id, Instant now, Instant staleBefore) {
		return this.db
			.sql("UPDATE conversations SET turn_started_at = :now WHERE id = :id AND tenant_id = :tenant "
					+ "AND owner_id = :owner AND status = 'active' "
					+ "AND (turn_started_at IS NULL OR turn_started_at < :stale)")
			.bind("now", now)
			.bind("stale", staleBefore)
			.bind("id", id.value())
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Releases the lock taken at {@code startedAt} and records the activity. */
	Mono<Void> unlockTurn(TenantId tenant, ConversationId id, Instant startedAt, Instant now) {
		return this.db
			.sql("UPDATE conversations SET turn_started_at = NULL, updated_at = :now, retention_until = " + RETENTION
					+ " WHERE id = :id AND turn_started_at = :started")
			.bind("now", now)
			.bind("tenant", tenant.value())
			.bind("id", id.value())
			.bind("started", startedAt)
			.then();
	}

	/** Appends a message at the next {@code seq}; callers hold the turn lock (or own a new conversation). */
	Mono<Integer> append(MessageRow row) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO messages (" + MESSAGE + ") VALUES (:id, :conversation, "
					+ "(SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = :conversation), "
					+ ":role, :content, :status, :prompt, :completion, :model, :finish, :latency, :ttft, :created) "
					+ "RETURNING seq")
			.bind("id", row.id())
			.bind("conversation", row.conversation())
			.bind("role", row.role().value())
			.bind("content", row.content())
			.bind("status", row.status().value())
			.bind("created", row.createdAt());
		spec = bindNullable(spec, "prompt", row.promptTokens(), Integer.class);
		spec = bindNullable(spec, "completion", row.completionTokens(), Integer.class);
		spec = bindNullable(spec, "model", row.model(), String.class);
		spec = bindNullable(spec, "finish", row.finishReason(), String.class);
		spec = bindNullable(spec, "latency", (row.latencyMs() != null) ? Math.toIntExact(Math.min(row.latencyMs(),
				Integer.MAX_VALUE)) : null, Integer.class);
		spec = bindNullable(spec, "ttft", (row.ttftMs() != null) ? Math.toIntExact(Math.min(row.ttftMs(),
				Integer.MAX_VALUE)) : null, Integer.class);
		return spec.map((r) -> r.get("seq", Integer.class)).one();
	}

	/** Messages after {@code afterSeq} in order, at most {@code limit}. */
	Flux<MessageRow> messages(ConversationId id, int afterSeq, int limit) {
		return this.db
			.sql("SELECT " + MESSAGE + " FROM messages WHERE conversation_id = :id AND seq > :after "
					+ "ORDER BY seq LIMIT :limit")
			.bind("id", id.value())
			.bind("after", afterSeq)
			.bind("limit", limit)
			.map(ConversationStore::message)
			.all();
	}

	/** The last {@code limit} messages, oldest first. */
	Flux<MessageRow> lastMessages(ConversationId id, int limit) {
		return this.db
			.sql("SELECT * FROM (SELECT " + MESSAGE + " FROM messages WHERE conversation_id = :id "
					+ "ORDER BY seq DESC LIMIT :limit) last ORDER BY seq")
			.bind("id", id.value())
			.bind("limit", limit)
			.map(ConversationStore::message)
			.all();
	}

	/** A message with its conversation, if the conversation is the owner's. */
	Mono<MessageRow> message(TenantId tenant, SubjectId owner, UUID messageId) {
		return this.db
			.sql("SELECT m." + MESSAGE.replace(", ", ", m.") + " FROM messages m JOIN conversations c "
					+ "ON c.id = m.conversation_id WHERE m.id = :id AND c.tenant_id = :tenant AND c.owner_id = :owner "
					+ "AND c.status = 'active'")
			.bind("id", messageId)
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.map(ConversationStore::message)
			.one();
	}

	Mono<Void> upsertFeedback(UUID messageId, SubjectId user, String rating, byte @Nullable [] comment, Instant now) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO message_feedback (message_id, user_id, rating, comment, created_at) "
					+ "VALUES (:message, :user, :rating, :comment, :now) ON CONFLICT (message_id, user_id) "
					+ "DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, created_at = EXCLUDED.created_at")
			.bind("message", messageId)
			.bind("user", user.value())
			.bind("rating", rating)
			.bind("now", now);
		spec = (comment != null) ? spec.bind("comment", comment) : spec.bindNull("comment", byte[].class);
		return spec.then();
	}

	/** Marks a conversation for erasure, so it disappears from every read at once. */
	Mono<Boolean> markDeleting(TenantId tenant, SubjectId owner, ConversationId id) {
		return this.db
			.sql("UPDATE conversations SET status = 'deleting' WHERE id = :id AND tenant_id = :tenant "
					+ "AND owner_id = :owner AND status = 'active'")
			.bind("id", id.value())
			.bind("tenant", tenant.value())
			.bind("owner", owner.value())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Removes the rows of a conversation whose key is destroyed (messages, feedback and terms cascade). */
	Mono<Void> delete(ConversationId id) {
		return this.db.sql("DELETE FROM conversations WHERE id = :id").bind("id", id.value()).then();
	}

	/** Conversations due for erasure: past their retention, or marked by an interrupted delete. */
	Flux<Due> due(Instant now, int limit) {
		return this.db
			.sql("SELECT id, tenant_id, status FROM conversations WHERE retention_until < :now OR status = 'deleting' "
					+ "ORDER BY retention_until NULLS FIRST LIMIT :limit FOR UPDATE SKIP LOCKED")
			.bind("now", now)
			.bind("limit", limit)
			.map((row) -> new Due(new ConversationId(row.get("id", UUID.class)),
					new TenantId(row.get("tenant_id", UUID.class)), "deleting".equals(row.get("status", String.class))))
			.all();
	}

	record Due(ConversationId id, TenantId tenant, boolean deleting) {
	}

	private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec,
			String name, @Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	private static ConversationRow conversation(Readable row) {
		return new ConversationRow(new ConversationId(row.get("id", UUID.class)),
				new TenantId(row.get("tenant_id", UUID.class)), new SubjectId(row.get("owner_id", UUID.class)),
				row.get("title", byte[].class), row.get("system_prompt", byte[].class), row.get("model", String.class),
				row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
				row.get("retention_until", Instant.class));
	}

	private static MessageRow message(Readable row) {
		Integer latency = row.get("latency_ms", Integer.class);
		Integer ttft = row.get("ttft_ms", Integer.class);
		return new MessageRow(row.get("id", UUID.class), row.get("conversation_id", UUID.class),
				row.get("seq", Integer.class), MessageRole.of(row.get("role", String.class)),
				row.get("content", byte[].class), MessageStatus.of(row.get("status", String.class)),
				row.get("prompt_tokens", Integer.class), row.get("completion_tokens", Integer.class),
				row.get("model", String.class), row.get("finish_reason", String.class),
				(latency != null) ? latency.longValue() : null, (ttft != null) ? ttft.longValue() : null,
				row.get("created_at", Instant.class));
	}

}
