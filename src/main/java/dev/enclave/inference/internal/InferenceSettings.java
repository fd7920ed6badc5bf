package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.enclave.inference.internal.engine.DeviceSpec;
import dev.enclave.inference.internal.remote.BackendSettings;
import dev.enclave.inference.internal.remote.UpstreamSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The local models and how their schedulers batch, and the model servers Enclave sits in
 * front of.
 *
 * @param models the checkpoints to serve; none, and no backends, means the generated
 * {@code demo} model
 * @param maxNumSeqs sequences one replica runs in a batch at once; 0 for the device's
 * default (16 on the CPU, 256 on a GPU)
 * @param maxBatchedTokens tokens one step runs (a token per decoding sequence, then prompt
 * chunks); 0 for the device's default (128 on the CPU, 4096 on a GPU)
 * @param maxQueue requests waiting per replica; more get 503 at once
 * @param queueTimeout how long a request may wait to start, per class
 * @param batchAging how long a batch request waits before it counts as interactive
 * @param cpuKvCache the KV cache budget of a replica on the CPU
 * @param gpuMemoryUtilization the share of a GPU's memory Enclave may use, weights
 * included; the KV cache gets what the weights leave
 * @param prefixCache memory per replica for prompt prefixes reused within a tenant (taken
 * from the KV budget); 0 turns reuse off
 * @param prefixCacheTtl how long an unused prefix block is kept
 * @param backends OpenAI-compatible model servers (vLLM, SGLang, ...) and their models
 * @param upstream health checks, circuit breakers and connection pools of those servers
 */
@ConfigurationProperties("enclave.inference")
@Validated
record InferenceSettings(@DefaultValue({}) @Valid List<Model> models, @DefaultValue("0") @PositiveOrZero int maxNumSeqs,
		@DefaultValue("0") @PositiveOrZero int maxBatchedTokens, @DefaultValue("1024") @PositiveOrZero int maxQueue,
		@DefaultValue @Valid QueueTimeout queueTimeout, @DefaultValue("1s") Duration batchAging,
		@DefaultValue("1GB") DataSize cpuKvCache,
		@DefaultValue("0.9") @DecimalMin("0.05") @DecimalMax("1.0") double gpuMemoryUtilization,
		@DefaultValue("256MB") DataSize prefixCache, @DefaultValue("10m") Duration prefixCacheTtl,
		@DefaultValue({}) @Valid List<BackendSettings> backends, @DefaultValue @Valid UpstreamSettings upstream) {

	InferenceSettings {
		Set<String> names = new HashSet<>();
		for (Model model : models) {
			if (!names.add(model.name())) {
				throw new IllegalArgumentException("enclave.inference.models has two models named " + model.name());
			}
		}
		checkBackends(backends, names);
		if (maxNumSeqs > 0 && maxBatchedTokens > 0 && maxBatchedTokens < maxNumSeqs) {
			throw new IllegalArgumentException("enclave.inference.max-batched-tokens (" + maxBatchedTokens
					+ ") must be at least max-num-seqs (" + maxNumSeqs + "): every running sequence decodes every step");
		}
	}

	/**
	 * Backend names are unique; a remote model's names never hide a local model; a model
	 * several servers serve is described the same way on each, since requests for it go to
	 * any of them.
	 */
	private static void checkBackends(List<BackendSettings> backends, Set<String> localNames) {
		Set<String> backendNames = new HashSet<>();
		java.util.Map<String, BackendSettings.ModelSettings> remote = new java.util.HashMap<>();
		for (BackendSettings backend : backends) {
			if (!backendNames.add(backend.name())) {
				throw new IllegalArgumentException("enclave.inference.backends has two backends named " + backend.name());
			}
			for (BackendSettings.ModelSettings model : backend.models()) {
				BackendSettings.ModelSettings earlier = remote.get(model.name());
				if (earlier != null && !earlier.equals(model)) {
					throw new IllegalArgumentException("Model " + model.name() + " is configured differently on two "
							+ "backends; give it the same aliases, kind, tokenizer and context-length on each");
				}
				remote.put(model.name(), model);
			}
		}
		Set<String> remoteNames = new HashSet<>();
		for (BackendSettings.ModelSettings model : remote.values()) {
			for (String name : model.names()) {
				if (localNames.contains(name)) {
					throw new IllegalArgumentException("The name " + name + " is both a local model and a model on a "
							+ "backend; rename one of them");
				}
				if (!remoteNames.add(name)) {
					throw new IllegalArgumentException("The name " + name + " stands for two models on the backends");
				}
			}
		}
	}

	/**
	 * How long a request may wait to start before it is refused as overloaded.
	 *
	 * @param interactive console turns and interactive API keys
	 * @param batch API keys marked batch, and requests asking for {@code service_tier: flex}
	 */
	record QueueTimeout(@DefaultValue("2s") Duration interactive, @DefaultValue("2s") Duration batch) {
	}

	/**
	 * One checkpoint.
	 *
	 * @param name the id clients ask for
	 * @param path the Hugging Face checkpoint directory
	 * @param device where its replicas run: {@code auto} (one replica per GPU PyTorch sees,
	 * else the CPU), {@code cpu}, {@code gpu:N}, or a comma-separated list such as
	 * {@code gpu:0,gpu:1}, one replica each
	 * @param dtype compute type: {@code auto} (float32 on CPU, float16 on GPU),
	 * {@code float32} or {@code float16}
	 * @param maxContext longest prompt plus answer; 0 for the checkpoint's own limit
	 * @param sha256sumsDigest the SHA-256 the checkpoint's {@code SHA256SUMS} must have
	 * @param signaturePublicKey a Tink public keyset file; when set, the checkpoint must carry
	 * {@code SHA256SUMS.sig}, a signature of its manifest by that key ({@code model sign}), or
	 * it is never served
	 */
	record Model(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}") String name, @NotNull Path path,
			@DefaultValue("auto") @NotBlank String device, @DefaultValue("auto") @NotBlank String dtype,
			@DefaultValue("0") @PositiveOrZero int maxContext,
			@Nullable @Pattern(regexp = "[0-9a-fA-F]{64}") String sha256sumsDigest, @Nullable Path signaturePublicKey) {

		Model {
			DeviceSpec.parseAll(device);
			if (dtype.equals("bfloat16")) {
				throw new IllegalArgumentException("enclave.inference.models[" + name + "].dtype bfloat16 is not "
						+ "available: DJL 0.35.1's PyTorch binding cannot create bfloat16 tensors. Use float16 or "
						+ "float32; bfloat16 weights are widened exactly.");
			}
			if (!Set.of("auto", "float32", "float16").contains(dtype)) {
				throw new IllegalArgumentException("enclave.inference.models[" + name + "].dtype must be auto, "
						+ "float32 or float16, not " + dtype);
			}
		}

	}

}
