package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

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
 * The {@code conversations} table and its title terms, reactively, in plain SQL: every
 * query of a user's conversation goes through the {@link Owner} predicate. Content columns
 * pass through sealed; this class never sees plaintext.
 */
final class ConversationStore {

	private static final String COLUMNS = "c.id, c.tenant_id, c.owner_id, c.title, c.system_prompt, c.model, "
			+ "c.created_at, c.updated_at, c.retention_until";

	/** The retention deadline of a conversation active at {@code :now}, from its tenant's setting. */
	static final String RETENTION = "(SELECT :now + make_interval(days => retention_days) "
			+ "FROM retention_settings WHERE tenant_id = :tenant)";

	private final DatabaseClient db;

	ConversationStore(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> insert(ConversationRow row) {
		return this.db
			.sql("INSERT INTO conversations (id, tenant_id, owner_id, title, system_prompt, model, created_at, "
					+ "updated_at, retention_until) VALUES (:id, :tenant, :owner, NULL, NULL, :model, :now, :now, "
					+ RETENTION + ")")
			.bind("id", row.uuid())
			.bind("tenant", row.tenant().value())
			.bind("owner", row.owner().value())
			.bind("model", row.model())
			.bind("now", row.createdAt())
			.then();
	}

	/** Sets the sealed title and system prompt (sealing needs the row's key, so they follow the insert). */
	Mono<Void> setContent(ConversationId id, byte @Nullable [] title, byte @Nullable [] systemPrompt) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE conversations SET title = :title, system_prompt = :system WHERE id = :id")
			.bind("id", id.value());
		spec = bindBytes(spec, "title", title);
		return bindBytes(spec, "system", systemPrompt).then();
	}

	Mono<Boolean> rename(Owner owner, ConversationId id, byte @Nullable [] title, Instant now) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE conversations c SET title = :title, updated_at = :now, retention_until = " + RETENTION
					+ " WHERE c.id = :id AND " + Owner.PREDICATE)
			.bind("id", id.value())
			.bind("now", now);
		return owner.bind(bindBytes(spec, "title", title)).fetch().rowsUpdated().map((count) -> count > 0);
	}

	Mono<ConversationRow> find(Owner owner, ConversationId id) {
		return owner
			.bind(this.db.sql("SELECT " + COLUMNS + " FROM conversations c WHERE c.id = :id AND " + Owner.PREDICATE)
				.bind("id", id.value()))
			.map(ConversationStore::conversation)
			.one();
	}

	/**
	 * One page of the owner's conversations, newest first, by keyset; with terms, only those
	 * whose title has every one of them.
	 */
	Flux<ConversationRow> page(Owner owner, @Nullable PageCursor after, List<byte[]> terms, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM conversations c WHERE " + Owner.PREDICATE);
		if (after != null) {
			sql.append(" AND (c.created_at, c.id) < (:created, :after)");
		}
		if (!terms.isEmpty()) {
			sql.append(" AND c.id IN (SELECT conversation_id FROM conversation_title_terms WHERE term IN (:terms)"
					+ " GROUP BY conversation_id HAVING count(*) = :termCount)");
		}
		sql.append(" ORDER BY c.created_at DESC, c.id DESC LIMIT :limit");
		DatabaseClient.GenericExecuteSpec spec = owner.bind(this.db.sql(sql.toString())).bind("limit", limit);
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

	/** Whether a live turn holds the conversation (one that started before {@code staleBefore} is a crashed turn's). */
	Mono<Boolean> turnRunning(ConversationId id, Instant staleBefore) {
		return this.db
			.sql("SELECT (turn_started_at IS NOT NULL AND turn_started_at >= :stale) AS running FROM conversations "
					+ "WHERE id = :id")
			.bind("id", id.value())
			.bind("stale", staleBefore)
			.map((row) -> Boolean.TRUE.equals(row.get("running", Boolean.class)))
			.one()
			.defaultIfEmpty(false);
	}

	/**
	 * Takes the conversation's turn lock unless a turn holds it (a lock older than
	 * {@code staleBefore} is a crashed turn's and is taken over) or a message was added
	 * after {@code lastSeq}.
	 * @return true when this call took it
	 */
	Mono<Boolean> lockTurn(Owner owner, ConversationId id, int lastSeq, Instant now, Instant staleBefore) {
		return owner
			.bind(this.db
				.sql("UPDATE conversations c SET turn_started_at = :now WHERE c.id = :id AND " + Owner.PREDICATE
						+ " AND (c.turn_started_at IS NULL OR c.turn_started_at < :stale)"
						+ " AND (SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = :id) = :seq")
				.bind("now", now)
				.bind("stale", staleBefore)
				.bind("id", id.value())
				.bind("seq", lastSeq))
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

	/** Marks a conversation for erasure, so it disappears from every read at once. */
	Mono<Boolean> markDeleting(Owner owner, ConversationId id) {
		return owner
			.bind(this.db.sql("UPDATE conversations c SET status = 'deleting' WHERE c.id = :id AND " + Owner.PREDICATE)
				.bind("id", id.value()))
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Removes the rows of a conversation whose key is destroyed (messages, feedback and terms cascade). */
	Mono<Void> delete(ConversationId id) {
		return this.db.sql("DELETE FROM conversations WHERE id = :id").bind("id", id.value()).then();
	}

	static DatabaseClient.GenericExecuteSpec bindBytes(DatabaseClient.GenericExecuteSpec spec, String name,
			byte @Nullable [] value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, byte[].class);
	}

	private static ConversationRow conversation(Readable row) {
		return new ConversationRow(new ConversationId(row.get("id", UUID.class)),
				new TenantId(row.get("tenant_id", UUID.class)), new SubjectId(row.get("owner_id", UUID.class)),
				row.get("title", byte[].class), row.get("system_prompt", byte[].class), row.get("model", String.class),
				row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
				row.get("retention_until", Instant.class));
	}

}
