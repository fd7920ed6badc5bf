package dev.enclave.tools.internal;

import java.time.Clock;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.storage.DatabaseKind;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires the audit trail, the approval queue over it, tenants' tool limits, and the demo knowledge base. */
@Configuration(proxyBeanMethods = false)
class ApprovalConfiguration {

	/** The demo knowledge base, for the embedded default only. */
	@Bean
	@ConditionalOnProperty(name = "enclave.tools.demo-data", havingValue = "true", matchIfMissing = true)
	DemoKnowledge demoKnowledge(DatabaseKind database, DatabaseClient db, KnowledgeBase knowledge, Clock clock) {
		return new DemoKnowledge(database, db, knowledge, clock);
	}

	@Bean
	TenantToolSettings tenantToolSettings(DatabaseClient db, Clock clock, ToolsSettings tools) {
		return new TenantToolSettings(db, clock, tools.maxSteps());
	}

	@Bean
	SealedToolAudit toolAudit(DatabaseClient db, ContentCipher cipher) {
		return new SealedToolAudit(db, cipher);
	}

	@Bean
	ApprovalQueue toolApprovals(SealedToolAudit audit, ToolRegistry registry, ToolExecutor executor,
			ToolsSettings tools, Clock clock, ApprovalSettings settings, MeterRegistry meters) {
		return new ApprovalQueue(audit, registry, executor, tools.resultMaxBytes(), clock, settings.timeout(), meters);
	}

	@Bean
	ApprovalSweeper toolApprovalSweeper(ApprovalQueue queue, SealedToolAudit audit, ApprovalSettings settings,
			MeterRegistry meters) {
		return new ApprovalSweeper(queue, audit, settings, meters);
	}

}
