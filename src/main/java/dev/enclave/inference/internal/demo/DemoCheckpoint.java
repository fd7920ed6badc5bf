package dev.enclave.inference.internal.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;

import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code demo} checkpoint Enclave generates when no model is configured, so the whole
 * platform works out of the box: a seeded random-weight LLaMA-architecture model of a few
 * megabytes in the real Hugging Face layout, with a byte-level tokenizer that encodes any
 * UTF-8 text, Llama 3's chat template and a {@code SHA256SUMS}. It is loaded through the same
 * verified path as any checkpoint. It is untrained: its output is random text. Its output
 * head is zero except for printable ASCII, newline and the end-of-turn token, so the random
 * text is at least readable.
 */
public final class DemoCheckpoint {

	/** How the demo model describes itself, everywhere it is listed or logged. */
	public static final String LABEL = "untrained demo model: output is random text";

	/** The special tokens, ids 256 to 260 after the 256 bytes. */
	static final List<String> SPECIAL_TOKENS = List.of("<|begin_of_text|>", "<|end_of_text|>",
			"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

	private static final int END_OF_TEXT = 257;

	private static final int END_OF_TURN = 260;

	/** Meta's Llama 3 instruct template, as its tokenizer_config.json ships it. */
	static final String CHAT_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
			+ "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content']"
			+ " | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
			+ "{{ content }}{% endfor %}{% if add_generation_prompt %}"
			+ "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DemoCheckpoint() {
	}

	/**
	 * The shape of a generated checkpoint.
	 * @param vocab rows of the embedding and output head; at least 264, ids past the
	 * tokenizer's are never produced
	 * @param dtype {@code BF16} or {@code F32}
	 * @param canStop whether the output head can produce the end-of-turn token; a
	 * benchmark model that never stops decodes exactly as many tokens as asked
	 */
	public record Spec(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab, int context,
			String dtype, long seed, boolean canStop) {

		/** The demo model: about 0.9 million parameters, 1.8 MB in BF16. */
		public static final Spec DEMO = new Spec(128, 4, 4, 2, 384, 264, 2048, "BF16", 20261123L, true);

		public long parameters() {
			long headDim = this.hidden / this.heads;
			long attention = (long) this.hidden * (this.heads + 2L * this.kvHeads) * headDim
					+ this.heads * headDim * this.hidden;
			long mlp = 3L * this.hidden * this.intermediate;
			return this.layers * (attention + mlp + 2L * this.hidden) + 2L * this.vocab * this.hidden + this.hidden;
		}

	}

	/**
	 * Returns the demo checkpoint in {@code directory}, generating it first if it is not
	 * there. An existing one is left as it is; if it was altered, verification will say so.
	 */
	public static Path ensure(Path directory) {
		if (Files.exists(directory)) {
			return directory;
		}
		Path partial = directory.resolveSibling("." + directory.getFileName() + ".partial-" + ProcessHandle.current().pid());
		try {
			deleteRecursively(partial);
			write(partial, Spec.DEMO);
			try {
				Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(partial, directory);
			}
			return directory;
		}
		catch (FileAlreadyExistsException ex) {
			// Another process generated it first; theirs is as good as ours.
			deleteRecursively(partial);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the demo checkpoint to " + directory, ex);
		}
	}

	/** Writes a complete sealed checkpoint of shape {@code spec} into a new {@code directory}. */
	/**
	 * Whether a checkpoint is one this class generated (its README says so), so it is labelled
	 * as the untrained demo wherever it is served from, configured or by default.
	 */
	public static boolean isDemo(Path directory) {
		try {
			Path readme = directory.resolve("README.md");
			return Files.isRegularFile(readme) && Files.size(readme) < 4096 && Files.readString(readme).contains(LABEL);
		}
		catch (IOException ex) {
			return false;
		}
	}

	public static void write(Path directory, Spec spec) throws IOException {
		if (spec.vocab() < 264) {
			throw new IllegalArgumentException("the vocabulary needs at least 264 rows");
		}
		Files.createDirectories(directory);
		Files.writeString(directory.resolve("config.json"), config(spec));
		Files.writeString(directory.resolve("generation_config.json"), generationConfig());
		Files.writeString(directory.resolve("tokenizer.json"), ByteLevelTokenizer.json(SPECIAL_TOKENS));
		Files.writeString(directory.resolve("tokenizer_config.json"), tokenizerConfig(spec));
		Files.writeString(directory.resolve("README.md"), "# demo\n\n" + LABEL + ".\n\nGenerated by Enclave with seed "
				+ spec.seed() + ": " + spec.parameters() + " random parameters in the LLaMA layout.\n");
		weights(spec).write(directory.resolve("model.safetensors"));
		seal(directory);
	}

	private static SafetensorsWriter weights(Spec spec) {
		SplittableRandom random = new SplittableRandom(spec.seed());
		int hidden = spec.hidden();
		int headDim = hidden / spec.heads();
		SafetensorsWriter writer = new SafetensorsWriter(spec.dtype());
		writer.add("model.embed_tokens.weight", new long[] { spec.vocab(), hidden }, gaussian(random, 1.0));
		for (int layer = 0; layer < spec.layers(); layer++) {
			String prefix = "model.layers." + layer + ".";
			writer.add(prefix + "input_layernorm.weight", new long[] { hidden }, (i) -> 1.0)
				.add(prefix + "self_attn.q_proj.weight", new long[] { (long) spec.heads() * headDim, hidden },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "self_attn.k_proj.weight", new long[] { (long) spec.kvHeads() * headDim, hidden },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "self_attn.v_proj.weight", new long[] { (long) spec.kvHeads() * headDim, hidden },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "self_attn.o_proj.weight", new long[] { hidden, (long) spec.heads() * headDim },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "post_attention_layernorm.weight", new long[] { hidden }, (i) -> 1.0)
				.add(prefix + "mlp.gate_proj.weight", new long[] { spec.intermediate(), hidden },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "mlp.up_proj.weight", new long[] { spec.intermediate(), hidden },
						gaussian(random, 1 / Math.sqrt(hidden)))
				.add(prefix + "mlp.down_proj.weight", new long[] { hidden, spec.intermediate() },
						gaussian(random, 1 / Math.sqrt(spec.intermediate())));
		}
		writer.add("model.norm.weight", new long[] { hidden }, (i) -> 1.0);
		IntToDoubleFunction head = gaussian(random, 4 / Math.sqrt(hidden));
		writer.add("lm_head.weight", new long[] { spec.vocab(), hidden }, (i) -> {
			double value = head.applyAsDouble(i);
			int token = i / hidden;
			boolean readable = (token >= ' ' && token <= '~') || token == '\n'
					|| (token == END_OF_TURN && spec.canStop());
			return readable ? value : 0.0;
		});
		return writer;
	}

	/** Values drawn in element order, so a tensor's contents depend only on the seed. */
	private static IntToDoubleFunction gaussian(SplittableRandom random, double scale) {
		SplittableRandom stream = random.split();
		return (i) -> stream.nextGaussian() * scale;
	}

	private static String config(Spec spec) {
		ObjectNode config = JSON.createObjectNode();
		config.putArray("architectures").add("LlamaForCausalLM");
		config.put("model_type", "llama");
		config.put("hidden_act", "silu");
		config.put("hidden_size", spec.hidden());
		config.put("intermediate_size", spec.intermediate());
		config.put("num_hidden_layers", spec.layers());
		config.put("num_attention_heads", spec.heads());
		config.put("num_key_value_heads", spec.kvHeads());
		config.put("max_position_embeddings", spec.context());
		config.put("rms_norm_eps", 1e-5);
		config.put("rope_theta", 500000.0);
		config.put("vocab_size", spec.vocab());
		config.put("bos_token_id", 256);
		config.put("eos_token_id", END_OF_TURN);
		config.put("tie_word_embeddings", false);
		config.put("torch_dtype", spec.dtype().equals("BF16") ? "bfloat16" : "float32");
		return JSON.writeValueAsString(config);
	}

	private static String generationConfig() {
		ObjectNode generation = JSON.createObjectNode();
		generation.put("bos_token_id", 256);
		generation.putArray("eos_token_id").add(END_OF_TEXT).add(END_OF_TURN);
		generation.put("do_sample", true);
		generation.put("temperature", 0.8);
		generation.put("top_p", 0.95);
		return JSON.writeValueAsString(generation);
	}

	private static String tokenizerConfig(Spec spec) {
		ObjectNode config = JSON.createObjectNode();
		config.put("bos_token", "<|begin_of_text|>");
		config.put("eos_token", "<|eot_id|>");
		config.put("pad_token", "<|end_of_text|>");
		config.put("model_max_length", spec.context());
		config.put("clean_up_tokenization_spaces", false);
		config.put("chat_template", CHAT_TEMPLATE);
		return JSON.writeValueAsString(config);
	}

	private static void seal(Path directory) throws IOException {
		StringBuilder manifest = new StringBuilder();
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
				manifest.append(Sha256Manifest.sha256(file)).append("  ").append(file.getFileName()).append('\n');
			}
		}
		Files.writeString(directory.resolve(Sha256Manifest.FILE_NAME), manifest, StandardCharsets.UTF_8);
	}

	private static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
