package dev.enclave.privacy.internal;

import org.springframework.r2dbc.core.DatabaseClient;

/** Reads {@code data_keys} the way the rotation tests check it: by KEK key id. */
final class DataKeysTable {

	private final DatabaseClient db;

	DataKeysTable(DatabaseClient db) {
		this.db = db;
	}

	/** Live data keys in the whole table wrapped by any key other than {@code kekKeyId}. */
	long liveNotWrappedBy(long kekKeyId) {
		return this.db.sql("SELECT count(*) FROM data_keys WHERE destroyed_at IS NULL AND kek_key_id <> :k")
			.bind("k", kekKeyId)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
	}

}
