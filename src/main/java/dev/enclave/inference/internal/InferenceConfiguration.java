package dev.enclave.inference.internal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.scheduler.SchedulerLimits;
import dev.enclave.privacy.ConversationKeyShredded;
import dev.enclave.storage.DataDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Wires the local engine: the model registry (which loads and verifies every model before
 * the application is ready), a batching scheduler per replica, the {@code ChatModel} other
 * modules talk to, the prompt renderer that prepares its prompts, and the models' readiness.
 */
@Configuration(proxyBeanMethods = false)
class InferenceConfiguration {

	private static final Logger log = LoggerFactory.getLogger(InferenceConfiguration.class);

	@Bean(destroyMethod = "close")
	ModelRegistry modelRegistry(InferenceSettings settings, DataDirectory dataDirectory, Clock clock) {
		return new ModelRegistry(settings, dataDirectory, clock, DeviceMemory.SYSTEM);
	}

	/** The schedulers stop (failing what still waits) before the models they run are closed. */
	@Bean(destroyMethod = "close")
	ServedReplicas servedReplicas(ModelRegistry registry, InferenceSettings settings, MeterRegistry meters) {
		Map<String, ModelReplicas> replicas = new LinkedHashMap<>();
		for (ServedModel model : registry.served()) {
			List<SchedulerLimits> limits = model.replicas()
				.stream()
				.map((replica) -> SchedulerSizing.limits(settings, replica, DeviceMemory.SYSTEM))
				.toList();
			for (int i = 0; i < limits.size(); i++) {
				DecoderModel replica = model.replicas().get(i);
				SchedulerLimits limit = limits.get(i);
				log.info("Model {} replica {} on {}: max-num-seqs {}, max-batched-tokens {}, KV cache for {} tokens",
						model.name(), i, replica.device(), limit.maxNumSeqs(), limit.maxBatchedTokens(), limit.kvTokens());
			}
			replicas.put(model.name(), ModelReplicas.start(model.name(), model.replicas(), limits,
					settings.prefixCache().toBytes(), settings.prefixCacheTtl(), meters));
		}
		return new ServedReplicas(replicas);
	}

	@Bean
	DjlChatModel djlChatModel(ModelRegistry registry, TemplatePromptRenderer renderer, ServedReplicas replicas) {
		return new DjlChatModel(registry, renderer, replicas.byModel());
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

	/** Every served model's replicas, by model. */
	record ServedReplicas(Map<String, ModelReplicas> byModel) implements AutoCloseable {

		/** A conversation erased: its tenant's prefix blocks, derived from its content, go too. */
		@EventListener
		public void on(ConversationKeyShredded shredded) {
			this.byModel.values().forEach((replicas) -> replicas.eraseTenant(shredded.tenant()));
		}

		@Override
		public void close() {
			this.byModel.values().forEach(ModelReplicas::close);
		}

	}

}
