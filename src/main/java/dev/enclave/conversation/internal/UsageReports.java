package dev.enclave.conversation.internal;

import java.time.Instant;

import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * Sums a tenant's {@code usage_events} over a time range, by day (UTC), by model or by API
 * key. Reads ids and numbers only: the ledger holds no content, and a report never needs
 * to decrypt anything.
 */
@Repository
class UsageReports {

	/** How rows are grouped, and the SQL expression of each group's label. */
	enum Grouping {

		DAY("day", "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')", ""),

		MODEL("model", "model", ""),

		/** API keys only: a key's usage is an app's, a person's is not a key's. */
		KEY("key", "subject_id::text", " AND auth_method = 'api_key'");

		private final String value;

		private final String label;

		private final String filter;

		Grouping(String value, String label, String filter) {
			this.value = value;
			this.label = label;
			this.filter = filter;
		}

		String value() {
			return this.value;
		}

	}

	/** One group's totals. */
	record Row(String group, long requests, long promptTokens, long completionTokens, long cacheHits) {
	}

	private final DatabaseClient db;

	private final BatchedUsageLedger ledger;

	UsageReports(DatabaseClient db, BatchedUsageLedger ledger) {
		this.db = db;
		this.ledger = ledger;
	}

	/** Totals from {@code from} (inclusive) to {@code to} (exclusive) by {@code grouping}, ordered by group. */
	Flux<Row> totals(TenantId tenant, Instant from, Instant to, Grouping grouping) {
		// The label and filter are constants of the enum, never request text.
		String sql = "SELECT " + grouping.label + " AS grp, count(*) AS requests, "
				+ "coalesce(sum(prompt_tokens), 0) AS prompt_tokens, "
				+ "coalesce(sum(completion_tokens), 0) AS completion_tokens, "
				+ "count(*) FILTER (WHERE cache_hit) AS cache_hits FROM usage_events "
				+ "WHERE tenant_id = :tenant AND created_at >= :from AND created_at < :to" + grouping.filter
				+ " GROUP BY grp ORDER BY grp";
		// This replica's rows that wait for their batch count too; a failed write stays pending
		// and does not fail the report.
		return this.ledger.flush().onErrorResume((failure) -> Mono.empty()).thenMany(this.db.sql(sql)
			.bind("tenant", tenant.value())
			.bind("from", from)
			.bind("to", to)
			.map(UsageReports::row)
			.all());
	}

	private static Row row(Readable row) {
		return new Row(row.get("grp", String.class), number(row, "requests"), number(row, "prompt_tokens"),
				number(row, "completion_tokens"), number(row, "cache_hits"));
	}

	private static long number(Readable row, String column) {
		Number value = row.get(column, Number.class);
		return (value != null) ? value.longValue() : 0;
	}

}
