package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.identity.Principal;
import dev.enclave.shared.Periodic;
import io.r2dbc.spi.R2dbcTransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The usage ledger in {@code usage_events}: ids and numbers, one row per completion, written
 * in batches off the request path. A request hands its row over and goes on; every flush
 * interval the rows wait for are inserted with one statement per 200, a column an array. A graceful
 * shutdown writes what is pending; a crash loses at most the rows of the last interval. While
 * the database is away the rows wait, up to {@code maxPending}; beyond that a request writes
 * its own row again, so a long outage slows requests down instead of losing their usage.
 */
final class BatchedUsageLedger implements UsageLedger, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(BatchedUsageLedger.class);

	private static final int ROWS_PER_STATEMENT = 200;

	private static final String INSERT = "INSERT INTO usage_events (id, tenant_id, subject_id, auth_method, model, "
			+ "prompt_tokens, completion_tokens, latency_ms, finish_reason, created_at, operation, cache_hit) "
			+ "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::integer[], "
			+ "$7::integer[], $8::integer[], $9::text[], $10::timestamptz[], $11::text[], $12::boolean[])";

	private final DatabaseClient db;

	private final Clock clock;

	private final int maxPending;

	private final Queue<Row> pending = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final Disposable ticker;

	/** One row as it will be stored; stamped when the request handed it over. */
	private record Row(UUID id, UUID tenant, UUID subject, String method, String model, int prompt, int completion,
			int latency, String finish, Instant at, String operation, boolean cacheHit) {
	}

	BatchedUsageLedger(DatabaseClient db, Clock clock, Duration every, int maxPending) {
		this.db = db;
		this.clock = clock;
		this.maxPending = maxPending;
		this.ticker = Periodic.every(every, every, Schedulers.parallel(), () -> flush().onErrorResume((failure) -> {
			log.warn("Could not write {} usage rows ({}); retrying at the next flush", this.size.get(),
					failure.getClass().getSimpleName());
			return Mono.empty();
		})).subscribe();
	}

	@Override
	public Mono<Void> record(Principal caller, UsageRecord usage) {
		return Mono.defer(() -> {
			Row row = new Row(UUID.randomUUID(), caller.tenantId().value(), caller.subjectId().value(),
					caller.authMethod().value(), usage.model(), usage.promptTokens(), usage.completionTokens(),
					(int) Math.min(usage.latencyMs(), Integer.MAX_VALUE), usage.finishReason().value(),
					this.clock.instant(), usage.kind().value(), usage.cacheHit());
			if (this.size.incrementAndGet() > this.maxPending) {
				this.size.decrementAndGet();
				return insert(List.of(row));
			}
			this.pending.add(row);
			return Mono.empty();
		});
	}

	/** Writes every row waiting now; rows that fail to be written wait for the next flush. */
	Mono<Void> flush() {
		return Mono.defer(() -> {
			List<Row> batch = new ArrayList<>();
			Row row;
			while ((row = this.pending.poll()) != null) {
				batch.add(row);
			}
			if (batch.isEmpty()) {
				return Mono.empty();
			}
			return Flux.fromIterable(chunks(batch)).concatMap(this::write).then();
		});
	}

	/**
	 * Inserts a chunk. While the database is unreachable it waits for the next flush: a row is
	 * the account of a completion. A chunk the database refuses for its content is written row
	 * by row, so one row it can never take (already written by a retry whose reply was lost)
	 * does not hold back the others.
	 */
	private Mono<Void> write(List<Row> chunk) {
		return insert(chunk).doOnSuccess((done) -> this.size.addAndGet(-chunk.size())).onErrorResume((failure) -> {
			if (isTransient(failure)) {
				this.pending.addAll(chunk);
				return Mono.error(failure);
			}
			if (chunk.size() > 1) {
				return Flux.fromIterable(chunk).concatMap((row) -> write(List.of(row))).then();
			}
			this.size.decrementAndGet();
			log.warn("A usage row was refused by the database and is dropped ({})", failure.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private static boolean isTransient(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof R2dbcTransientException || cause instanceof java.io.IOException) {
				return true;
			}
		}
		return false;
	}

	private Mono<Void> insert(List<Row> rows) {
		int n = rows.size();
		UUID[] ids = new UUID[n];
		UUID[] tenants = new UUID[n];
		UUID[] subjects = new UUID[n];
		String[] methods = new String[n];
		String[] models = new String[n];
		Integer[] prompts = new Integer[n];
		Integer[] completions = new Integer[n];
		Integer[] latencies = new Integer[n];
		String[] finishes = new String[n];
		Instant[] times = new Instant[n];
		String[] operations = new String[n];
		Boolean[] hits = new Boolean[n];
		for (int i = 0; i < n; i++) {
			Row row = rows.get(i);
			ids[i] = row.id();
			tenants[i] = row.tenant();
			subjects[i] = row.subject();
			methods[i] = row.method();
			models[i] = row.model();
			prompts[i] = row.prompt();
			completions[i] = row.completion();
			latencies[i] = row.latency();
			finishes[i] = row.finish();
			times[i] = row.at();
			operations[i] = row.operation();
			hits[i] = row.cacheHit();
		}
		// Each row carries its own id: a batch written twice (a retry after a lost reply) fails on
		// the key instead of counting twice. One array per column, whatever the number of rows:
		// the statement is the same text every time, and twelve parameters are bound instead of
		// twelve per row, each of which the driver and its proxy would track and encode.
		return this.db.sql(INSERT)
			.bindValues(List.of(ids, tenants, subjects, methods, models, prompts, completions, latencies, finishes,
					times, operations, hits))
			.then();
	}

	private static List<List<Row>> chunks(List<Row> rows) {
		List<List<Row>> chunks = new ArrayList<>();
		for (int i = 0; i < rows.size(); i += ROWS_PER_STATEMENT) {
			chunks.add(rows.subList(i, Math.min(rows.size(), i + ROWS_PER_STATEMENT)));
		}
		return chunks;
	}

	int pendingCount() {
		return this.size.get();
	}

	@Override
	public void close() {
		this.ticker.dispose();
		// On the shutdown thread, never an event loop: the last rows must be written before the pool closes.
		try {
			flush().block(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			log.warn("Could not write {} usage rows before shutdown ({})", this.size.get(), ex.getClass().getSimpleName());
		}
	}

}
