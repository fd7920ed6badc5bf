package dev.enclave.assistant.internal;

import java.time.Clock;

import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.conversation.ModelPolicy;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.assistant.internal.turn.ResponseCache;
import dev.enclave.inference.PromptRenderer;
import dev.enclave.privacy.EncryptedCaches;
import dev.enclave.ratelimit.TokenBudget;

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
			UsageLedger ledger, Clock clock, EncryptedCaches caches) {
		return new TurnPipeline(chat, renderer, budget, ledger, clock,
				new ResponseCache(caches.create(ResponseCache.NAME)));
	}

	@Bean
	TurnResponses turnResponses(ErrorResponses errors, TokenBudget budget, AssistantSettings settings) {
		return new TurnResponses(errors, budget, settings.heartbeatInterval());
	}

}
