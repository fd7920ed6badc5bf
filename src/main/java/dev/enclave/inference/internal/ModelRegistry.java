package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.ModelDescriptor;
import dev.enclave.inference.ModelKind;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.checkpoint.CheckpointException;
import dev.enclave.inference.internal.demo.DemoCheckpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.engine.DeviceSpec;
import dev.enclave.inference.internal.engine.DeviceUnavailableException;
import dev.enclave.inference.internal.engine.DjlRuntime;
import dev.enclave.inference.internal.engine.InsufficientMemoryException;
import dev.enclave.inference.internal.engine.MemoryPlan;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.storage.DataDirectory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every configured local model at start-up, or the generated demo model when no
 * model is configured at all (none here and no model server), and knows which are served. A model whose checkpoint fails verification is
 * kept as not served with its reason: readiness reports it and requests for it get
 * {@code model_unavailable}. A device that cannot be used stops the start-up instead,
 * because DJL would otherwise run the model on the CPU without a word.
 */
final class ModelRegistry implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	ModelRegistry(InferenceSettings settings, DataDirectory dataDirectory, Clock clock, DeviceMemory memory) {
		List<InferenceSettings.Model> models = settings.models();
		boolean demo = models.isEmpty() && settings.backends().isEmpty();
		if (demo) {
			Path directory = DemoCheckpoint.ensure(dataDirectory.directory("models").resolve("demo"));
			// One replica on the CPU: the demo model is for trying things, not for filling GPUs.
			models = List.of(new InferenceSettings.Model("demo", directory, "cpu", "auto", 0, null, null));
			log.info("No model is configured: serving the generated demo model from {} ({})", directory,
					DemoCheckpoint.LABEL);
		}
		for (InferenceSettings.Model model : models) {
			// Outside the try: an unusable device stops the start-up, loudly.
			List<Device> devices = DjlRuntime.resolveAll(DeviceSpec.parseAll(model.device()));
			this.entries.put(model.name(), load(model, devices, demo, clock, memory));
		}
	}

	/** Every local model, served or not, in configuration order. */
	List<ModelDescriptor> models() {
		return this.entries.values().stream().map(Entry::descriptor).toList();
	}

	/** The first local model; null when there is none (only model servers are configured). */
	@Nullable String firstModel() {
		return this.entries.isEmpty() ? null : this.entries.keySet().iterator().next();
	}

	/** Whether {@code name} is a local model, served or not. */
	boolean knows(@Nullable String name) {
		return name != null && this.entries.containsKey(name);
	}

	/**
	 * The model a request names, or the default one.
	 * @throws ApiException {@code not_found} for an unknown model, {@code model_unavailable}
	 * for one that is configured but not served
	 */
	ServedModel require(@Nullable String name) {
		String id = (name == null || name.isBlank()) ? firstModel() : name;
		Entry entry = (id != null) ? this.entries.get(id) : null;
		if (entry == null) {
			String shown = (id == null) ? "(none)" : (id.length() > 64) ? id.substring(0, 64) + "…" : id;
			throw ApiException.notFound("Model '" + shown + "'");
		}
		if (entry.served() == null) {
			throw new ApiException(ErrorCode.MODEL_UNAVAILABLE, "Model '" + id + "' is not available")
				.withRetryAfter(RETRY_AFTER);
		}
		return entry.served();
	}

	/** The models that are served, in configuration order. */
	List<ServedModel> served() {
		return this.entries.values().stream().map(Entry::served).filter(java.util.Objects::nonNull).toList();
	}

	@Override
	public void close() {
		this.entries.values().forEach((entry) -> {
			if (entry.served() != null) {
				entry.served().close();
			}
		});
	}

	private static Entry load(InferenceSettings.Model settings, List<Device> devices, boolean demo, Clock clock,
			DeviceMemory memory) {
		long started = System.nanoTime();
		Path path = settings.path().toAbsolutePath();
		DataType type = computeType(settings.dtype(), devices.get(0));
		List<DecoderModel> replicas = new ArrayList<>();
		try (Checkpoint checkpoint = Checkpoint.open(path, settings.sha256sumsDigest(),
				settings.signaturePublicKey())) {
			MemoryPlan plan = MemoryPlan.of(checkpoint, type, settings.maxContext());
			for (Device device : devices) {
				// The preflight: refuse with both numbers before loading, not out of memory half-way.
				plan.check(settings.name(), device, type.name().toLowerCase(Locale.ROOT), memory);
				replicas.add(DecoderModel.load(settings.name(), checkpoint, device, type, settings.maxContext()));
			}
			DecoderModel model = replicas.get(0);
			TextTokenizer tokenizer;
			try {
				tokenizer = TextTokenizer.load(checkpoint.tokenizerFile());
			}
			catch (RuntimeException ex) {
				throw new CheckpointException("tokenizer.json in " + path + " cannot be loaded: " + ex.getMessage(), ex);
			}
			String source = checkpoint.tokenizer().chatTemplate(false);
			ChatTemplate template = (source != null)
					? new ChatTemplate(source, checkpoint.tokenizer().specialTokens(), clock) : null;
			Set<Integer> stops = new LinkedHashSet<>(checkpoint.generation().eosTokenIds());
			String eos = checkpoint.tokenizer().specialTokens().get("eos_token");
			if (eos != null) {
				tokenizer.tokenId(eos).ifPresent(stops::add);
			}
			String description = (demo || DemoCheckpoint.isDemo(path)) ? DemoCheckpoint.LABEL : String.format("%s checkpoint, %s parameters, on %s as %s",
					model.spec().architecture(), parameters(model), devices.stream().map(Device::toString)
						.collect(java.util.stream.Collectors.joining(", ")), type.name().toLowerCase(Locale.ROOT));
			ServedModel served = new ServedModel(settings.name(), description, checkpoint.sealed(), List.copyOf(replicas),
					tokenizer, template, checkpoint.generation(), Set.copyOf(stops));
			log.info("Model {} is served: {}, {} layers, context {}, verified and loaded in {} ms{}", settings.name(),
					description, model.spec().layers(), model.maxContext(), (System.nanoTime() - started) / 1_000_000,
					(template != null) ? "" : "; it has no chat template, so it cannot chat");
			if (demo) {
				log.warn("Model {} is an {}", settings.name(), DemoCheckpoint.LABEL);
			}
			return new Entry(settings.name(), served, null, description, checkpoint.sealed());
		}
		catch (CheckpointException | InsufficientMemoryException ex) {
			replicas.forEach(DecoderModel::close);
			log.error("Model {} is not served: {}", settings.name(), ex.getMessage());
			return failed(settings, path, ex.getMessage());
		}
		catch (RuntimeException ex) {
			replicas.forEach(DecoderModel::close);
			if (ex instanceof DeviceUnavailableException) {
				throw ex;
			}
			log.error("Model {} is not served: it failed to load", settings.name(), ex);
			return failed(settings, path, "it failed to load: " + ex.getMessage());
		}
	}

	private static Entry failed(InferenceSettings.Model settings, Path path, String reason) {
		// Readiness is public: the reason names the file but not where checkpoints live.
		String shown = reason.replace(path.toString(), "<checkpoint of " + settings.name() + ">");
		return new Entry(settings.name(), null, shown, "not served: " + shown, Instant.EPOCH);
	}

	private static DataType computeType(String dtype, Device device) {
		return switch (dtype) {
			case "float32" -> DataType.FLOAT32;
			case "float16" -> DataType.FLOAT16;
			default -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
		};
	}

	private static String parameters(DecoderModel model) {
		double count = model.parameters();
		return (count >= 1e9) ? String.format("%.1fB", count / 1e9) : String.format("%.1fM", count / 1e6);
	}

	/** A configured model: served, or not with the reason. */
	record Entry(String name, @Nullable ServedModel served, @Nullable String reason, String description,
			Instant created) {

		ModelDescriptor descriptor() {
			return new ModelDescriptor(this.name, this.created, "enclave", this.description, this.served != null,
					this.reason, List.of(), ModelKind.CHAT);
		}

	}

}
