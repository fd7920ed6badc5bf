package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A verified Hugging Face checkpoint directory. {@link #open} checks the supply-chain seal
 * before it parses a single byte: {@code SHA256SUMS} must list every file that is loaded and
 * every safetensors file present, every listed file must exist and match its digest, and
 * optionally the manifest itself must match a pinned digest. Only then are the JSON files
 * parsed and the shards' headers read.
 */
public final class Checkpoint implements AutoCloseable {

	public static final String CONFIG = "config.json";

	public static final String TOKENIZER = "tokenizer.json";

	public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

	public static final String GENERATION_CONFIG = "generation_config.json";

	public static final String CHAT_TEMPLATE = "chat_template.jinja";

	public static final String WEIGHT_INDEX = "model.safetensors.index.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path directory;

	private final Sha256Manifest manifest;

	private final JsonNode config;

	private final TokenizerSettings tokenizer;

	private final GenerationDefaults generation;

	private final WeightFiles weights;

	private final Instant sealed;

	private Checkpoint(Path directory, Sha256Manifest manifest, JsonNode config, TokenizerSettings tokenizer,
			GenerationDefaults generation, WeightFiles weights, Instant sealed) {
		this.directory = directory;
		this.manifest = manifest;
		this.config = config;
		this.tokenizer = tokenizer;
		this.generation = generation;
		this.weights = weights;
		this.sealed = sealed;
	}

	/**
	 * Verifies and opens the checkpoint in {@code directory}.
	 * @param pinnedManifestDigest the SHA-256 {@code SHA256SUMS} must have, or null
	 * @throws CheckpointException naming the file, when anything is missing, unlisted,
	 * altered or malformed
	 */
	public static Checkpoint open(Path directory, @Nullable String pinnedManifestDigest) {
		return open(directory, pinnedManifestDigest, null);
	}

	/**
	 * Verifies and opens the checkpoint in {@code directory}, which must also carry a valid
	 * signature of its manifest when {@code signaturePublicKey} is set.
	 * @param pinnedManifestDigest the SHA-256 {@code SHA256SUMS} must have, or null
	 * @param signaturePublicKey the Tink public keyset {@code SHA256SUMS.sig} must verify
	 * with, or null
	 * @throws CheckpointException naming the file, when anything is missing, unlisted,
	 * altered, malformed or not signed by that key
	 */
	public static Checkpoint open(Path directory, @Nullable String pinnedManifestDigest,
			@Nullable Path signaturePublicKey) {
		if (!Files.isDirectory(directory)) {
			throw new CheckpointException("checkpoint directory " + directory + " does not exist");
		}
		String pinned = ManifestSignatures.pinned(directory, signaturePublicKey, pinnedManifestDigest);
		Sha256Manifest manifest = Sha256Manifest.read(directory, pinned);
		Set<String> loaded = new LinkedHashSet<>(List.of(CONFIG, TOKENIZER, TOKENIZER_CONFIG));
		for (String required : loaded) {
			if (!Files.isRegularFile(directory.resolve(required))) {
				throw new CheckpointException("checkpoint " + directory + " has no " + required);
			}
		}
		for (String optional : List.of(GENERATION_CONFIG, CHAT_TEMPLATE, WEIGHT_INDEX)) {
			if (Files.isRegularFile(directory.resolve(optional))) {
				loaded.add(optional);
			}
		}
		List<String> shards = safetensorsIn(directory);
		loaded.addAll(shards);
		for (String file : loaded) {
			if (!manifest.lists(file)) {
				String kind = file.endsWith(".safetensors") ? "unlisted weight file " : "";
				throw new CheckpointException(kind + file + " in " + directory + " is not listed in "
						+ Sha256Manifest.FILE_NAME);
			}
		}
		manifest.verifyAll(directory);

		JsonNode config = json(directory, CONFIG);
		JsonNode tokenizerConfig = json(directory, TOKENIZER_CONFIG);
		JsonNode generationConfig = loaded.contains(GENERATION_CONFIG) ? json(directory, GENERATION_CONFIG) : null;
		String templateFile = loaded.contains(CHAT_TEMPLATE) ? text(directory, CHAT_TEMPLATE) : null;
		Map<String, String> index = loaded.contains(WEIGHT_INDEX) ? weightIndex(directory) : null;
		List<String> weightFiles = (index != null) ? new ArrayList<>(new LinkedHashSet<>(index.values())) : shards;
		if (weightFiles.isEmpty()) {
			throw new CheckpointException("checkpoint " + directory + " has no *.safetensors weights");
		}
		for (String file : weightFiles) {
			if (!manifest.lists(file)) {
				throw new CheckpointException(WEIGHT_INDEX + " refers to " + file + ", which is not listed in "
						+ Sha256Manifest.FILE_NAME);
			}
		}
		WeightFiles weights = WeightFiles.open(directory, weightFiles, index);
		return new Checkpoint(directory, manifest, config, TokenizerSettings.of(tokenizerConfig, templateFile),
				GenerationDefaults.of(config, generationConfig), weights, sealedAt(directory));
	}

	public Path directory() {
		return this.directory;
	}

	public Sha256Manifest manifest() {
		return this.manifest;
	}

	/** {@code config.json} as written by the checkpoint's authors. */
	public JsonNode config() {
		return this.config;
	}

	/** The verified {@code tokenizer.json}. */
	public Path tokenizerFile() {
		return this.directory.resolve(TOKENIZER);
	}

	public TokenizerSettings tokenizer() {
		return this.tokenizer;
	}

	public GenerationDefaults generation() {
		return this.generation;
	}

	public WeightFiles weights() {
		return this.weights;
	}

	/** When the manifest was written, which is when the checkpoint was sealed. */
	public Instant sealed() {
		return this.sealed;
	}

	@Override
	public void close() {
		this.weights.close();
	}

	private static List<String> safetensorsIn(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".safetensors"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot list " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static Map<String, String> weightIndex(Path directory) {
		JsonNode map = json(directory, WEIGHT_INDEX).path("weight_map");
		if (!map.isObject() || map.isEmpty()) {
			throw new CheckpointException(WEIGHT_INDEX + " in " + directory + " has no weight_map");
		}
		Map<String, String> index = new LinkedHashMap<>();
		map.properties().forEach((entry) -> {
			String file = entry.getValue().asString("");
			if (file.isEmpty() || file.contains("/") || file.contains("\\")) {
				throw new CheckpointException(WEIGHT_INDEX + " places " + entry.getKey() + " in '" + file
						+ "'; only files directly in the checkpoint directory are loaded");
			}
			index.put(entry.getKey(), file);
		});
		return index;
	}

	private static JsonNode json(Path directory, String name) {
		try {
			JsonNode node = JSON.readTree(Files.readAllBytes(directory.resolve(name)));
			if (!node.isObject()) {
				throw new CheckpointException(name + " in " + directory + " is not a JSON object");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new CheckpointException(name + " in " + directory + " is not valid JSON", ex);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read " + name + " in " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static String text(Path directory, String name) {
		try {
			return Files.readString(directory.resolve(name), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read " + name + " in " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static Instant sealedAt(Path directory) {
		try {
			return Files.getLastModifiedTime(directory.resolve(Sha256Manifest.FILE_NAME)).toInstant();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
