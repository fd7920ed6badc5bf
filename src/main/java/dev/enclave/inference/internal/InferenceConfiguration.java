package dev.enclave.inference.internal;

import java.time.Clock;

import dev.enclave.storage.DataDirectory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the local engine: the model registry (which loads and verifies every model before
 * the application is ready), the {@code ChatModel} other modules talk to, the prompt
 * renderer that prepares its prompts, and the models' readiness.
 */
@Configuration(proxyBeanMethods = false)
class InferenceConfiguration {

	@Bean(destroyMethod = "close")
	ModelRegistry modelRegistry(InferenceSettings settings, DataDirectory dataDirectory, Clock clock) {
		return new ModelRegistry(settings, dataDirectory, clock);
	}

	@Bean(destroyMethod = "close")
	DjlChatModel djlChatModel(ModelRegistry registry, InferenceSettings settings) {
		return new DjlChatModel(registry, settings.maxConcurrentGenerations(), settings.maxQueuedGenerations());
	}

	/**
	 * Rendering is CPU work: about one thread per core, and a queue long enough for a burst
	 * of turns; beyond it requests are shed as overloaded rather than queued without bound.
	 */
	@Bean(destroyMethod = "close")
	TemplatePromptRenderer promptRenderer(ModelRegistry registry) {
		return new TemplatePromptRenderer(registry, Math.max(2, Runtime.getRuntime().availableProcessors()), 1024);
	}

	/** Named so its readiness component is {@code models}. */
	@Bean
	ModelHealthIndicator modelsHealthIndicator(ModelRegistry registry) {
		return new ModelHealthIndicator(registry);
	}

}
