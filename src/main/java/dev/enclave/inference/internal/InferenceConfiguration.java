package dev.enclave.inference.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.remote.BackendsHealthIndicator;
import dev.enclave.inference.internal.remote.RemoteChatModel;
import dev.enclave.inference.internal.remote.RemoteEmbeddings;
import dev.enclave.inference.internal.remote.RemoteModels;
import dev.enclave.inference.internal.remote.RemotePromptRenderer;
import dev.enclave.inference.internal.remote.UpstreamMetrics;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.scheduler.SchedulerLimits;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.privacy.ConversationKeyShredded;
import dev.enclave.storage.DataDirectory;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Wires the engines: the local one (the model registry, which loads and verifies every
 * model before the application is ready, and a batching scheduler per replica) and the
 * model servers behind Enclave; and what other modules see of them: one model catalog, one
 * {@code ChatModel} and one prompt renderer that route each request to its model's engine,
 * and the readiness of models and servers. The engine-specific pieces are not beans, so
 * nothing can reach an engine past the routing.
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
		Set<Device> devices = new LinkedHashSet<>();
		for (ServedModel model : registry.served()) {
			model.replicas().forEach((replica) -> devices.add(replica.device()));
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
		devices.forEach((device) -> deviceMemory(meters, device));
		return new ServedReplicas(replicas);
	}

	/** Memory on a device a model runs on, read from CUDA (or the kernel) at each scrape. */
	private static void deviceMemory(MeterRegistry meters, Device device) {
		String name = device.isGpu() ? "gpu" + device.getDeviceId() : "cpu";
		Gauge.builder(EnclaveMeter.DEVICE_MEMORY_TOTAL.getName(), device, DeviceMemory.SYSTEM::total)
			.description(EnclaveMeter.DEVICE_MEMORY_TOTAL.description())
			.baseUnit("bytes")
			.tag(EnclaveMeter.Tags.DEVICE.asString(), name)
			.strongReference(true)
			.register(meters);
		Gauge.builder(EnclaveMeter.DEVICE_MEMORY_USED.getName(), device,
					(held) -> DeviceMemory.SYSTEM.total(held) - DeviceMemory.SYSTEM.available(held))
			.description(EnclaveMeter.DEVICE_MEMORY_USED.description())
			.baseUnit("bytes")
			.tag(EnclaveMeter.Tags.DEVICE.asString(), name)
			.strongReference(true)
			.register(meters);
	}

	/**
	 * The servers' health checks start with it; their connections close with it. Requests
	 * reach them on the web server's own event loops (Reactor Netty's, from the resource
	 * factory the web server runs on).
	 */
	@Bean(destroyMethod = "close")
	RemoteModels remoteModels(InferenceSettings settings, CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads,
			JsonMapper json, Clock clock, ObservationRegistry observations,
			ObjectProvider<ReactorResourceFactory> webServerResources) {
		List<EventLoop> serverLoops = new ArrayList<>();
		ReactorResourceFactory resources = webServerResources.getIfAvailable();
		if (resources != null) {
			for (EventExecutor loop : resources.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE)) {
				serverLoops.add((EventLoop) loop);
			}
		}
		RemoteModels remote = new RemoteModels(settings.backends(), settings.upstream(), serverLoops, breakers,
				bulkheads, json, clock, observations);
		remote.start();
		return remote;
	}

	@Bean
	Models models(ModelRegistry registry, RemoteModels remote) {
		return new Models(registry, remote);
	}

	/** Rendering is CPU work: about one thread per core, and a queue for a burst of turns. */
	@Bean(destroyMethod = "close")
	PromptWork promptWork() {
		return new PromptWork(Math.max(2, Runtime.getRuntime().availableProcessors()), 1024);
	}

	@Bean
	RoutingPromptRenderer promptRenderer(Models models, ModelRegistry registry, RemoteModels remote, PromptWork work) {
		return new RoutingPromptRenderer(models, new TemplatePromptRenderer(registry, work),
				new RemotePromptRenderer(remote, work));
	}

	@Bean
	UpstreamMetrics upstreamMetrics(MeterRegistry meters, RemoteModels remote) {
		UpstreamMetrics metrics = new UpstreamMetrics(meters);
		metrics.health(remote.backends());
		return metrics;
	}

	@Bean
	RoutingChatModel chatModel(Models models, ModelRegistry registry, ServedReplicas replicas, RemoteModels remote,
			PromptWork work, JsonMapper json, UpstreamMetrics metrics, ObservationRegistry observations) {
		return new RoutingChatModel(models, observations,
				new DjlChatModel(registry, new TemplatePromptRenderer(registry, work), replicas.byModel()),
				new RemoteChatModel(remote, json, metrics));
	}

	@Bean
	RoutingEmbeddings embeddings(ModelRegistry registry, RemoteModels remote, PromptWork work, JsonMapper json,
			UpstreamMetrics metrics) {
		return new RoutingEmbeddings(registry, new RemoteEmbeddings(remote, work, json, metrics));
	}

	/** Named so its readiness component is {@code models}. */
	@Bean
	ModelHealthIndicator modelsHealthIndicator(Models models) {
		return new ModelHealthIndicator(models);
	}

	/** Named so its readiness component is {@code backends}. */
	@Bean
	BackendsHealthIndicator backendsHealthIndicator(RemoteModels remote) {
		return new BackendsHealthIndicator(remote);
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
