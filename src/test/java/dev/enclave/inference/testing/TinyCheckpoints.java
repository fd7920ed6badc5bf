package dev.enclave.inference.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes tiny random checkpoints in the real Hugging Face layout of each architecture
 * (tensor names and config fields as {@code transformers} and THUDM's
 * {@code modeling_chatglm.py} define them): two layers, hidden size 64, four query heads
 * over two key/value heads. Weights are scaled so activations and logits are of order one;
 * with the tiny values of a real initialiser every implementation would agree to 1e-4 and
 * the comparison would prove nothing.
 */
public final class TinyCheckpoints {

	/** Special tokens, ids 256 to 260. */
	public static final List<String> SPECIAL_TOKENS = List.of("<|begin|>", "<|end|>", "<|user|>", "<|assistant|>",
			"<|system|>");

	public static final int BEGIN = 256;

	public static final int END = 257;

	/** A minimal ChatML-like template over the special tokens. */
	public static final String CHAT_TEMPLATE = "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>"
			+ "{{ m['content'] }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

	public static final int HIDDEN = 64;

	public static final int LAYERS = 2;

	public static final int HEADS = 4;

	public static final int KV_HEADS = 2;

	public static final int HEAD_DIM = 16;

	public static final int INTERMEDIATE = 128;

	public static final int VOCAB = 264;

	public static final int CONTEXT = 128;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TinyCheckpoints() {
	}

	/** The architectures, by the {@code model_type} their configs declare. */
	public enum Kind {

		LLAMA("llama"), MISTRAL("mistral"), QWEN2("qwen2"), GLM4("chatglm");

		private final String modelType;

		Kind(String modelType) {
			this.modelType = modelType;
		}

		public String modelType() {
			return this.modelType;
		}

	}

	/**
	 * How to write it.
	 * @param dtype F32, F16 or BF16
	 * @param shards 1 for {@code model.safetensors}; more for an index and numbered shards
	 * @param llama3Scaling whether a LLaMA config carries Llama 3.1's {@code rope_scaling}
	 * @param tied whether a LLaMA config ties the output head to the embedding
	 */
	public record Options(String dtype, int shards, boolean llama3Scaling, boolean tied) {

		public static final Options DEFAULT = new Options("F32", 1, false, false);

	}

	public static Path write(Path directory, Kind kind, long seed) {
		return write(directory, kind, seed, Options.DEFAULT);
	}

	public static Path write(Path directory, Kind kind, long seed, Options options) {
		try {
			Files.createDirectories(directory);
			Random random = new Random(seed);
			Map<String, TestSafetensors.Tensor> tensors = (kind == Kind.GLM4) ? glm4(random) : llama(kind, random, options);
			writeWeights(directory, tensors, options);
			Files.writeString(directory.resolve("config.json"), config(kind, options));
			Files.writeString(directory.resolve("tokenizer.json"), TestTokenizers.byteLevel(SPECIAL_TOKENS));
			ObjectNode tokenizerConfig = JSON.createObjectNode()
				.put("bos_token", "<|begin|>")
				.put("eos_token", "<|end|>")
				.put("chat_template", CHAT_TEMPLATE);
			Files.writeString(directory.resolve("tokenizer_config.json"), JSON.writeValueAsString(tokenizerConfig));
			ObjectNode generation = JSON.createObjectNode();
			generation.putArray("eos_token_id").add(END).add(259);
			Files.writeString(directory.resolve("generation_config.json"), JSON.writeValueAsString(generation));
			seal(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** (Re)writes {@code SHA256SUMS} over every file in the directory, as {@code sha256sum} would. */
	public static void seal(Path directory) {
		StringBuilder manifest = new StringBuilder();
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
				String name = file.getFileName().toString();
				if (name.equals("SHA256SUMS")) {
					continue;
				}
				byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
				manifest.append(HexFormat.of().formatHex(digest)).append("  ").append(name).append('\n');
			}
			Files.writeString(directory.resolve("SHA256SUMS"), manifest.toString(), StandardCharsets.UTF_8);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String config(Kind kind, Options options) {
		ObjectNode config = JSON.createObjectNode();
		config.put("model_type", kind.modelType());
		config.put("hidden_size", HIDDEN);
		config.put("num_attention_heads", HEADS);
		config.put("torch_dtype", "float32");
		config.putArray("eos_token_id").add(END);
		if (kind == Kind.GLM4) {
			config.putArray("architectures").add("ChatGLMModel");
			config.put("num_layers", LAYERS);
			config.put("multi_query_attention", true);
			config.put("multi_query_group_num", KV_HEADS);
			config.put("kv_channels", HEAD_DIM);
			config.put("ffn_hidden_size", INTERMEDIATE);
			config.put("padded_vocab_size", VOCAB);
			config.put("layernorm_epsilon", 1.5625e-07);
			config.put("rope_ratio", 500);
			config.put("seq_length", CONTEXT);
			config.put("add_qkv_bias", true);
			config.put("add_bias_linear", false);
			config.put("rmsnorm", true);
			config.put("post_layer_norm", true);
			config.put("apply_residual_connection_post_layernorm", false);
			config.put("original_rope", true);
			config.put("tie_word_embeddings", false);
			return JSON.writeValueAsString(config);
		}
		config.put("num_hidden_layers", LAYERS);
		config.put("num_key_value_heads", KV_HEADS);
		config.put("intermediate_size", INTERMEDIATE);
		config.put("vocab_size", VOCAB);
		config.put("hidden_act", "silu");
		config.put("max_position_embeddings", CONTEXT);
		config.put("rms_norm_eps", 1e-5);
		config.put("rope_theta", (kind == Kind.QWEN2) ? 1000000.0 : 10000.0);
		config.put("tie_word_embeddings", tied(kind, options));
		if (kind == Kind.MISTRAL) {
			config.put("sliding_window", 96);
		}
		if (options.llama3Scaling()) {
			config.putObject("rope_scaling")
				.put("rope_type", "llama3")
				.put("factor", 8.0)
				.put("low_freq_factor", 1.0)
				.put("high_freq_factor", 4.0)
				.put("original_max_position_embeddings", 32);
		}
		return JSON.writeValueAsString(config);
	}

	private static boolean tied(Kind kind, Options options) {
		return kind == Kind.QWEN2 || options.tied();
	}

	private static Map<String, TestSafetensors.Tensor> llama(Kind kind, Random random, Options options) {
		Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>();
		tensors.put("model.embed_tokens.weight", matrix(random, VOCAB, HIDDEN, 1.0));
		for (int layer = 0; layer < LAYERS; layer++) {
			String prefix = "model.layers." + layer + ".";
			tensors.put(prefix + "input_layernorm.weight", norm(random, HIDDEN));
			tensors.put(prefix + "self_attn.q_proj.weight", linear(random, HEADS * HEAD_DIM, HIDDEN));
			tensors.put(prefix + "self_attn.k_proj.weight", linear(random, KV_HEADS * HEAD_DIM, HIDDEN));
			tensors.put(prefix + "self_attn.v_proj.weight", linear(random, KV_HEADS * HEAD_DIM, HIDDEN));
			if (kind == Kind.QWEN2) {
				tensors.put(prefix + "self_attn.q_proj.bias", vector(random, HEADS * HEAD_DIM, 0.5));
				tensors.put(prefix + "self_attn.k_proj.bias", vector(random, KV_HEADS * HEAD_DIM, 0.5));
				tensors.put(prefix + "self_attn.v_proj.bias", vector(random, KV_HEADS * HEAD_DIM, 0.5));
			}
			tensors.put(prefix + "self_attn.o_proj.weight", linear(random, HIDDEN, HEADS * HEAD_DIM));
			tensors.put(prefix + "post_attention_layernorm.weight", norm(random, HIDDEN));
			tensors.put(prefix + "mlp.gate_proj.weight", linear(random, INTERMEDIATE, HIDDEN));
			tensors.put(prefix + "mlp.up_proj.weight", linear(random, INTERMEDIATE, HIDDEN));
			tensors.put(prefix + "mlp.down_proj.weight", linear(random, HIDDEN, INTERMEDIATE));
		}
		tensors.put("model.norm.weight", norm(random, HIDDEN));
		if (!tied(kind, options)) {
			tensors.put("lm_head.weight", linear(random, VOCAB, HIDDEN));
		}
		return tensors;
	}

	private static Map<String, TestSafetensors.Tensor> glm4(Random random) {
		Map<String, TestSafetensors.Tensor> tensors = new LinkedHashMap<>();
		int qkv = (HEADS + 2 * KV_HEADS) * HEAD_DIM;
		tensors.put("transformer.embedding.word_embeddings.weight", matrix(random, VOCAB, HIDDEN, 1.0));
		// A buffer modeling_chatglm.py registers and checkpoints carry; nothing reads it.
		tensors.put("transformer.rotary_pos_emb.inv_freq", vector(random, HEAD_DIM / 4, 1.0));
		for (int layer = 0; layer < LAYERS; layer++) {
			String prefix = "transformer.encoder.layers." + layer + ".";
			tensors.put(prefix + "input_layernorm.weight", norm(random, HIDDEN));
			tensors.put(prefix + "self_attention.query_key_value.weight", linear(random, qkv, HIDDEN));
			tensors.put(prefix + "self_attention.query_key_value.bias", vector(random, qkv, 0.5));
			tensors.put(prefix + "self_attention.dense.weight", linear(random, HIDDEN, HEADS * HEAD_DIM));
			tensors.put(prefix + "post_attention_layernorm.weight", norm(random, HIDDEN));
			tensors.put(prefix + "mlp.dense_h_to_4h.weight", linear(random, 2 * INTERMEDIATE, HIDDEN));
			tensors.put(prefix + "mlp.dense_4h_to_h.weight", linear(random, HIDDEN, INTERMEDIATE));
		}
		tensors.put("transformer.encoder.final_layernorm.weight", norm(random, HIDDEN));
		tensors.put("transformer.output_layer.weight", linear(random, VOCAB, HIDDEN));
		return tensors;
	}

	private static void writeWeights(Path directory, Map<String, TestSafetensors.Tensor> tensors, Options options)
			throws IOException {
		if (options.shards() == 1) {
			TestSafetensors.write(directory.resolve("model.safetensors"), tensors, options.dtype());
			return;
		}
		List<Map<String, TestSafetensors.Tensor>> shards = new java.util.ArrayList<>();
		for (int i = 0; i < options.shards(); i++) {
			shards.add(new LinkedHashMap<>());
		}
		ObjectNode index = JSON.createObjectNode();
		index.putObject("metadata").put("total_size", 0);
		ObjectNode map = index.putObject("weight_map");
		int i = 0;
		for (Map.Entry<String, TestSafetensors.Tensor> entry : tensors.entrySet()) {
			int shard = (i++ * options.shards()) / tensors.size();
			shards.get(shard).put(entry.getKey(), entry.getValue());
			map.put(entry.getKey(), shardName(shard, options.shards()));
		}
		for (int shard = 0; shard < options.shards(); shard++) {
			TestSafetensors.write(directory.resolve(shardName(shard, options.shards())), shards.get(shard),
					options.dtype());
		}
		Files.writeString(directory.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
	}

	private static String shardName(int shard, int shards) {
		return String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
	}

	private static TestSafetensors.Tensor linear(Random random, int rows, int columns) {
		return matrix(random, rows, columns, 1.0 / Math.sqrt(columns));
	}

	private static TestSafetensors.Tensor matrix(Random random, int rows, int columns, double scale) {
		float[] data = new float[rows * columns];
		for (int i = 0; i < data.length; i++) {
			data[i] = (float) (random.nextGaussian() * scale);
		}
		return new TestSafetensors.Tensor(new long[] { rows, columns }, data);
	}

	private static TestSafetensors.Tensor vector(Random random, int size, double scale) {
		float[] data = new float[size];
		for (int i = 0; i < size; i++) {
			data[i] = (float) (random.nextGaussian() * scale);
		}
		return new TestSafetensors.Tensor(new long[] { size }, data);
	}

	private static TestSafetensors.Tensor norm(Random random, int size) {
		float[] data = new float[size];
		for (int i = 0; i < size; i++) {
			data[i] = (float) (1 + random.nextGaussian() * 0.2);
		}
		return new TestSafetensors.Tensor(new long[] { size }, data);
	}

}
