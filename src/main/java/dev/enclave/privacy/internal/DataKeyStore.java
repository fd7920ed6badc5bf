package dev.enclave.privacy.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code data_keys} table, reactively. Every write is a single statement, so concurrent
 * first uses, shreds and re-wraps on any number of replicas settle in the database without
 * explicit transactions.
 */
final class DataKeyStore {

	private static final String COLUMNS = "id, tenant_id, conversation_id, wrapped_key, kek_key_id, created_at, destroyed_at";

	private final DatabaseClient db;

	DataKeyStore(DatabaseClient db) {
		this.db = db;
	}

	Mono<DataKeyRow> find(ConversationId conversation) {
		return this.db.sql("SELECT " + COLUMNS + " FROM data_keys WHERE conversation_id = :conversation")
			.bind("conversation", conversation.value())
			.map(DataKeyStore::row)
			.one();
	}

	/** Inserts a new live key unless the conversation already has one (live or destroyed). */
	Mono<Boolean> insertIfAbsent(UUID id, TenantId tenant, ConversationId conversation, byte[] wrappedKey,
			long kekKeyId, Instant createdAt) {
		return this.db
			.sql("INSERT INTO data_keys (" + COLUMNS + ") VALUES (:id, :tenant, :conversation, :wrapped, :kek, :created, NULL) "
					+ "ON CONFLICT (conversation_id) DO NOTHING")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("conversation", conversation.value())
			.bind("wrapped", wrappedKey)
			.bind("kek", kekKeyId)
			.bind("created", createdAt)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Destroys the conversation's key: wipes the wrapped key and records the time. A
	 * conversation that never had a key gets a destroyed tombstone, so it can never get one.
	 * @return the destruction time when this call destroyed it; empty when it already was
	 * destroyed or belongs to another tenant
	 */
	Mono<Instant> destroy(TenantId tenant, ConversationId conversation, Instant at) {
		return this.db
			.sql("INSERT INTO data_keys (" + COLUMNS + ") VALUES (:id, :tenant, :conversation, NULL, NULL, :at, :at) "
					+ "ON CONFLICT (conversation_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = EXCLUDED.destroyed_at "
					+ "WHERE data_keys.destroyed_at IS NULL AND data_keys.tenant_id = EXCLUDED.tenant_id "
					+ "RETURNING destroyed_at")
			.bind("id", UUID.randomUUID())
			.bind("tenant", tenant.value())
			.bind("conversation", conversation.value())
			.bind("at", at)
			.map((row) -> required(row, "destroyed_at", Instant.class))
			.one();
	}

	/** A page of live keys not wrapped by {@code kekKeyId}, in id order after {@code after}. */
	Flux<DataKeyRow> liveNotWrappedBy(long kekKeyId, @Nullable UUID after, int limit) {
		String sql = "SELECT " + COLUMNS + " FROM data_keys WHERE destroyed_at IS NULL AND kek_key_id <> :kek"
				+ ((after != null) ? " AND id > :after" : "") + " ORDER BY id LIMIT :limit";
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql).bind("kek", kekKeyId).bind("limit", limit);
		if (after != null) {
			spec = spec.bind("after", after);
		}
		return spec.map(DataKeyStore::row).all();
	}

	/**
	 * Replaces the wrapping of a live key, only if nobody shredded or re-wrapped it since it
	 * was read.
	 */
	Mono<Boolean> replaceWrapping(UUID id, long previousKekKeyId, byte[] wrapped, long kekKeyId) {
		return this.db
			.sql("UPDATE data_keys SET wrapped_key = :wrapped, kek_key_id = :kek "
					+ "WHERE id = :id AND kek_key_id = :previous AND destroyed_at IS NULL")
			.bind("wrapped", wrapped)
			.bind("kek", kekKeyId)
			.bind("id", id)
			.bind("previous", previousKekKeyId)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Live data keys per KEK key id, for operators. */
	Flux<KeyUsage> liveKeysPerKek() {
		return this.db
			.sql("SELECT kek_key_id, count(*) AS keys FROM data_keys WHERE destroyed_at IS NULL GROUP BY kek_key_id "
					+ "ORDER BY kek_key_id")
			.map((row) -> new KeyUsage(required(row, "kek_key_id", Long.class), required(row, "keys", Long.class)))
			.all();
	}

	record KeyUsage(long kekKeyId, long dataKeys) {
	}

	private static DataKeyRow row(Readable row) {
		return new DataKeyRow(required(row, "id", UUID.class), new TenantId(required(row, "tenant_id", UUID.class)),
				new ConversationId(required(row, "conversation_id", UUID.class)), row.get("wrapped_key", byte[].class),
				row.get("kek_key_id", Long.class), required(row, "created_at", Instant.class),
				row.get("destroyed_at", Instant.class));
	}

	private static <T> T required(Readable row, String column, Class<T> type) {
		T value = row.get(column, type);
		if (value == null) {
			throw new IllegalStateException("data_keys." + column + " is unexpectedly NULL");
		}
		return value;
	}

}
