package dev.enclave.assistant.internal.openai;

import java.time.Clock;

import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.inference.ContextWindow;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.ratelimit.TokenBudget;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the OpenAI-compatible API to the engine, the usage ledger, conversations and token budgets. */
@Configuration(proxyBeanMethods = false)
class OpenAiConfiguration {

	@Bean
	OpenAiPrompts openAiPrompts(ModelCatalog catalog, JsonMapper jsonMapper) {
		return new OpenAiPrompts(catalog, new OpenAiTools(jsonMapper));
	}

	@Bean
	ChatCompletions chatCompletions(StreamingChatModel engine, OpenAiPrompts prompts, UsageLedger ledger,
			Conversations conversations, JsonMapper jsonMapper, ErrorResponses errors, Clock clock, TokenBudget budget,
			ContextWindow window) {
		return new ChatCompletions(engine, prompts, ledger, conversations, jsonMapper, errors, clock, budget, window);
	}

}
