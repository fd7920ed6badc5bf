package dev.enclave.tools.internal;

import java.time.Clock;
import java.util.List;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolAudit;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires the module: the registry over every {@link Tool} bean, and the executor. */
@Configuration(proxyBeanMethods = false)
class ToolsConfiguration {

	@Bean
	ToolRegistry toolRegistry(ObjectProvider<Tool> tools) {
		List<Tool> all = tools.orderedStream().toList();
		return new DefaultToolRegistry(all);
	}

	@Bean
	KnowledgeBase knowledgeBase(DatabaseClient db, Clock clock) {
		return new KnowledgeBase(db, clock);
	}

	@Bean
	Tool knowledgeBaseSearchTool(KnowledgeBase knowledge) {
		return new KnowledgeBaseSearchTool(knowledge);
	}

	@Bean
	ToolAudit toolAudit(DatabaseClient db, ContentCipher cipher) {
		return new SealedToolAudit(db, cipher);
	}

	@Bean
	ToolExecutor toolExecutor(ToolsSettings settings, CircuitBreakerRegistry breakers, MeterRegistry meters,
			Clock clock) {
		return new DefaultToolExecutor(settings, breakers, meters, clock);
	}

}
