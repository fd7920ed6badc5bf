package dev.enclave.assistant.internal;

import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ModelPolicy;
import dev.enclave.inference.ContextWindow;
import dev.enclave.inference.ModelCatalog;

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
	TurnRunner turnRunner(StreamingChatModel chat, ContextWindow window, Conversations conversations,
			AssistantSettings settings) {
		return new TurnRunner(chat, window, conversations, settings);
	}

}
