package dev.enclave.conversation.internal;

import java.time.Clock;
import java.util.UUID;

import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.identity.Principal;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/** The usage ledger in {@code usage_events}: ids and numbers, one row per completion. */
final class R2dbcUsageLedger implements UsageLedger {

	private final DatabaseClient db;

	private final Clock clock;

	R2dbcUsageLedger(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	@Override
	public Mono<Void> record(Principal caller, UsageRecord usage) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO usage_events (id, tenant_id, subject_id, auth_method, model, prompt_tokens, "
					+ "completion_tokens, latency_ms, finish_reason, created_at, operation, cache_hit) VALUES (:id, :tenant, "
					+ ":subject, :method, :model, :prompt, :completion, :latency, :finish, :at, :operation, :cacheHit)")
			.bind("id", UUID.randomUUID())
			.bind("tenant", caller.tenantId().value())
			.bind("subject", caller.subjectId().value())
			.bind("method", caller.authMethod().value())
			.bind("model", usage.model())
			.bind("prompt", usage.promptTokens())
			.bind("completion", usage.completionTokens())
			.bind("latency", (int) Math.min(usage.latencyMs(), Integer.MAX_VALUE))
			.bind("finish", usage.finishReason().value())
			.bind("at", this.clock.instant())
			.bind("operation", usage.kind().value())
			.bind("cacheHit", usage.cacheHit());
		return spec.then();
	}

}
