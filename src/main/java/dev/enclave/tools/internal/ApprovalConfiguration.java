package dev.enclave.tools.internal;

import java.time.Clock;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires the audit trail, the approval queue over it, and tenants' tool limits. */
@Configuration(proxyBeanMethods = false)
class ApprovalConfiguration {

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
