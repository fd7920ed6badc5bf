package dev.enclave.assistant.internal;

import java.time.Clock;

import dev.enclave.assistant.internal.turn.ResponseCache;
import dev.enclave.assistant.internal.turn.ToolRunner;
import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ModelPolicy;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.privacy.EncryptedCaches;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.tools.ToolApprovals;
import dev.enclave.tools.ToolAudit;
import dev.enclave.tools.ToolExecutor;
import dev.enclave.tools.ToolLimits;
import dev.enclave.tools.ToolRegistry;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AssistantSettings.class)
class AssistantConfiguration {

	@Bean
	ModelPolicy modelPolicy(ModelCatalog catalog) {
		return new CatalogModelPolicy(catalog);
	}

	@Bean
	TurnPipeline turnPipeline(StreamingChatModel chat, PromptRenderer renderer, TokenBudget budget,
			UsageLedger ledger, Clock clock, EncryptedCaches caches, ToolRunner tools) {
		return new TurnPipeline(chat, renderer, budget, ledger, clock,
				new ResponseCache(caches.create(ResponseCache.NAME)), tools);
	}

	@Bean
	ToolRunner toolRunner(ToolRegistry registry, ToolExecutor executor, ToolAudit audit, ToolApprovals approvals,
			Clock clock) {
		return new ToolRunner(registry, executor, audit, approvals, clock);
	}

	@Bean
	ConsoleTurns consoleTurns(Conversations conversations, TurnPipeline pipeline, PromptRenderer renderer,
			TurnResponses responses, AssistantSettings settings, ToolRunner tools, ToolApprovals approvals,
			ToolLimits limits) {
		return new ConsoleTurns(conversations, pipeline, renderer, responses, settings, tools, approvals, limits);
	}

	@Bean
	TurnResponses turnResponses(ErrorResponses errors, TokenBudget budget, AssistantSettings settings, JsonMapper json) {
		return new TurnResponses(errors, budget, settings.heartbeatInterval(), json);
	}

}
