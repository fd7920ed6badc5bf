package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.FinishReason;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code messages} of conversations and their feedback, reactively, in plain SQL.
 * Callers hold the conversation (its turn lock, or a conversation of their own they just
 * created) or reach a message through the {@link Owner} predicate. Content columns pass
 * through sealed.
 */
final class MessageStore {

	private static final String COLUMNS = "m.id, m.conversation_id, m.seq, m.role, m.content, m.status, "
			+ "m.prompt_tokens, m.completion_tokens, m.model, m.finish_reason, m.latency_ms, m.ttft_ms, m.created_at, "
			+ "m.tool_calls, m.tool_call_id";

	private final DatabaseClient db;

	MessageStore(DatabaseClient db) {
		this.db = db;
	}

	/** Appends a message at the next {@code seq}; callers hold the turn lock (or own a new conversation). */
	Mono<Integer> append(MessageRow row) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO messages (id, conversation_id, seq, role, content, status, prompt_tokens, "
					+ "completion_tokens, model, finish_reason, latency_ms, ttft_ms, created_at, tool_calls, tool_call_id) "
					+ "VALUES (:id, :conversation, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = "
					+ ":conversation), :role, :content, :status, :prompt, :completion, :model, :finish, :latency, :ttft, "
					+ ":created, :toolCalls, :toolCallId) RETURNING seq")
			.bind("id", row.id())
			.bind("conversation", row.conversation())
			.bind("role", row.role().value())
			.bind("content", row.content())
			.bind("status", row.status().value())
			.bind("created", row.createdAt());
		spec = bindNullable(spec, "prompt", row.promptTokens(), Integer.class);
		spec = bindNullable(spec, "completion", row.completionTokens(), Integer.class);
		spec = bindNullable(spec, "model", row.model(), String.class);
		spec = bindNullable(spec, "finish", (row.finishReason() != null) ? row.finishReason().value() : null,
				String.class);
		spec = bindNullable(spec, "latency", millis(row.latencyMs()), Integer.class);
		spec = bindNullable(spec, "ttft", millis(row.ttftMs()), Integer.class);
		spec = bindNullable(spec, "toolCalls", row.toolCalls(), byte[].class);
		spec = bindNullable(spec, "toolCallId", row.toolCallId(), String.class);
		return spec.map((r) -> r.get("seq", Integer.class)).one();
	}

	/** Messages after {@code afterSeq} in order, at most {@code limit}. */
	Flux<MessageRow> page(ConversationId id, long afterSeq, int limit) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM messages m WHERE m.conversation_id = :id AND m.seq > :after "
					+ "ORDER BY m.seq LIMIT :limit")
			.bind("id", id.value())
			.bind("after", afterSeq)
			.bind("limit", limit)
			.map(MessageStore::message)
			.all();
	}

	/** The last {@code limit} messages, oldest first. */
	Flux<MessageRow> last(ConversationId id, int limit) {
		return this.db
			.sql("SELECT * FROM (SELECT " + COLUMNS + " FROM messages m WHERE m.conversation_id = :id "
					+ "ORDER BY m.seq DESC LIMIT :limit) last ORDER BY seq")
			.bind("id", id.value())
			.bind("limit", limit)
			.map(MessageStore::message)
			.all();
	}

	/** A message, if its conversation is the owner's. */
	Mono<MessageRow> find(Owner owner, UUID messageId) {
		return owner
			.bind(this.db
				.sql("SELECT " + COLUMNS + " FROM messages m JOIN conversations c ON c.id = m.conversation_id "
						+ "WHERE m.id = :id AND " + Owner.PREDICATE)
				.bind("id", messageId))
			.map(MessageStore::message)
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
		return ConversationStore.bindBytes(spec, "comment", comment).then();
	}

	private static @Nullable Integer millis(@Nullable Long value) {
		return (value != null) ? Math.toIntExact(Math.min(value, Integer.MAX_VALUE)) : null;
	}

	private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec,
			String name, @Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	private static MessageRow message(Readable row) {
		Integer latency = row.get("latency_ms", Integer.class);
		Integer ttft = row.get("ttft_ms", Integer.class);
		String finish = row.get("finish_reason", String.class);
		return new MessageRow(row.get("id", UUID.class), row.get("conversation_id", UUID.class),
				row.get("seq", Integer.class), MessageRole.of(row.get("role", String.class)),
				row.get("content", byte[].class), MessageStatus.of(row.get("status", String.class)),
				row.get("prompt_tokens", Integer.class), row.get("completion_tokens", Integer.class),
				row.get("model", String.class), (finish != null) ? FinishReason.of(finish) : null,
				(latency != null) ? latency.longValue() : null, (ttft != null) ? ttft.longValue() : null,
				row.get("created_at", Instant.class), row.get("tool_calls", byte[].class),
				row.get("tool_call_id", String.class));
	}

}
