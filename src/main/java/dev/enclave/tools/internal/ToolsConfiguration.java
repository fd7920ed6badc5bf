package dev.enclave.tools.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.enclave.privacy.ContentCipher;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.internal.http.HostResolver;
import dev.enclave.tools.internal.http.HttpToolInvoker;
import dev.enclave.tools.internal.mcp.McpServers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires the module: the registry over every {@link Tool} bean, HTTP tools and MCP servers, and the executor. */
@Configuration(proxyBeanMethods = false)
class ToolsConfiguration {

	/** The registry: tool beans and HTTP tools from the start, MCP servers' tools as they connect. */
	@Bean
	DefaultToolRegistry toolRegistry(ObjectProvider<Tool> tools, HttpTools http) {
		List<Tool> all = new ArrayList<>(tools.orderedStream().toList());
		all.addAll(http.tools());
		return new DefaultToolRegistry(all);
	}

	/** Connects the configured MCP servers in the background once the context has started. */
	@Bean(destroyMethod = "close")
	McpServers mcpServers(ToolsSettings settings, DefaultToolRegistry registry) {
		return new McpServers(settings.mcp(), settings.egress().policy(), HostResolver.system(),
				ToolSecrets.load(settings.secretsDir(), System.getenv()), registry);
	}

	/** One invoker, with its own event loops and connection pool, for every HTTP tool. */
	@Bean(destroyMethod = "close")
	HttpToolInvoker httpToolInvoker(ToolsSettings settings) {
		return new HttpToolInvoker(settings.egress().policy(), HostResolver.system(),
				ToolSecrets.load(settings.secretsDir(), System.getenv()), JsonMapper.builder().build());
	}

	@Bean
	HttpTools httpTools(ToolsSettings settings, HttpToolInvoker invoker) {
		return new HttpTools(settings.http().stream().map((tool) -> (Tool) new HttpTool(tool, invoker)).toList());
	}

	/** The configured HTTP tools, kept apart from tool beans: there is one bean for them all. */
	record HttpTools(List<Tool> tools) {
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
	Tickets tickets(DatabaseClient db, ContentCipher cipher, Clock clock) {
		return new Tickets(db, cipher, clock);
	}

	@Bean
	Tool getTicketTool(Tickets tickets) {
		return TicketTools.get(tickets);
	}

	@Bean
	Tool createTicketTool(Tickets tickets) {
		return TicketTools.create(tickets);
	}

	@Bean
	ToolExecutor toolExecutor(ToolsSettings settings, CircuitBreakerRegistry breakers, MeterRegistry meters,
			ObservationRegistry observations, Clock clock) {
		return new DefaultToolExecutor(settings, breakers, meters, observations, clock);
	}

}
