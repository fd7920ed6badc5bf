package dev.enclave.assistant.internal.openai;

import java.time.Clock;

import dev.enclave.assistant.internal.TurnResponses;
import dev.enclave.assistant.internal.turn.ToolRunner;
import dev.enclave.assistant.internal.turn.TurnPipeline;
import dev.enclave.conversation.Conversations;
import dev.enclave.tools.ToolLimits;
import dev.enclave.inference.ModelCatalog;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the OpenAI-compatible API to the turn pipeline. */
@Configuration(proxyBeanMethods = false)
class OpenAiConfiguration {

	@Bean
	OpenAiPrompts openAiPrompts(ModelCatalog catalog, JsonMapper jsonMapper) {
		return new OpenAiPrompts(catalog, new OpenAiTools(jsonMapper));
	}

	@Bean
	ChatCompletions chatCompletions(TurnPipeline pipeline, OpenAiPrompts prompts, Conversations conversations,
			TurnResponses responses, JsonMapper jsonMapper, Clock clock, ToolRunner tools, ToolLimits limits) {
		return new ChatCompletions(pipeline, prompts, conversations, responses, jsonMapper, clock, tools, limits);
	}

}
