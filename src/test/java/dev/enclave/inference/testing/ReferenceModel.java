package dev.enclave.inference.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An independent forward pass in plain Java: float loops, no DJL, no engine class. It is
 * written from the architectures' definitions ({@code transformers}' {@code modeling_llama}
 * and {@code modeling_qwen2}, THUDM's {@code modeling_chatglm}) and recomputes every position
 * from scratch, without a cache. It shares nothing with the engine but the checkpoint files.
 */
public final class ReferenceModel {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, float[]> weights;

	private final String type;

	private final int hidden;

	private final int layers;

	private final int heads;

	private final int kvHeads;

	private final int headDim;

	private final int intermediate;

	private final int vocab;

	private final float eps;

	private final float[] inverseFrequencies;

	private final boolean glm;

	private final boolean tied;

	private ReferenceModel(Path directory) {
		JsonNode config = readJson(directory.resolve("config.json"));
		this.weights = readWeights(directory);
		this.type = config.get("model_type").asString();
		this.glm = this.type.equals("chatglm");
		this.hidden = config.get("hidden_size").asInt();
		this.heads = config.get("num_attention_heads").asInt();
		if (this.glm) {
			this.layers = config.get("num_layers").asInt();
			this.kvHeads = config.get("multi_query_group_num").asInt();
			this.headDim = config.get("kv_channels").asInt();
			this.intermediate = config.get("ffn_hidden_size").asInt();
			this.vocab = config.get("padded_vocab_size").asInt();
			this.eps = (float) config.get("layernorm_epsilon").asDouble();
			this.tied = false;
			// RotaryEmbedding(rotary_dim // 2) with base 10000 * rope_ratio over n_elem = dim.
			int elements = this.headDim / 2;
			float base = (float) (10000 * config.get("rope_ratio").asDouble());
			this.inverseFrequencies = new float[elements / 2];
			for (int i = 0; i < elements / 2; i++) {
				this.inverseFrequencies[i] = 1.0f / (float) Math.pow(base, (float) (2 * i) / elements);
			}
		}
		else {
			this.layers = config.get("num_hidden_layers").asInt();
			this.kvHeads = config.get("num_key_value_heads").asInt();
			this.headDim = config.has("head_dim") ? config.get("head_dim").asInt() : this.hidden / this.heads;
			this.intermediate = config.get("intermediate_size").asInt();
			this.vocab = config.get("vocab_size").asInt();
			this.eps = (float) config.get("rms_norm_eps").asDouble();
			this.tied = config.path("tie_word_embeddings").asBoolean(false);
			this.inverseFrequencies = llamaFrequencies(config);
		}
	}

	public static ReferenceModel load(Path directory) {
		return new ReferenceModel(directory);
	}

	/** Logits at every position of {@code tokens}, recomputed from scratch. */
	public float[][] logits(int[] tokens) {
		int count = tokens.length;
		float[] embedding = weight(this.glm ? "transformer.embedding.word_embeddings.weight" : "model.embed_tokens.weight");
		float[][] x = new float[count][];
		for (int t = 0; t < count; t++) {
			x[t] = new float[this.hidden];
			System.arraycopy(embedding, tokens[t] * this.hidden, x[t], 0, this.hidden);
		}
		for (int layer = 0; layer < this.layers; layer++) {
			x = this.glm ? glmLayer(layer, x) : llamaLayer(layer, x);
		}
		float[] finalNorm = weight(this.glm ? "transformer.encoder.final_layernorm.weight" : "model.norm.weight");
		float[] head = weight(this.glm ? "transformer.output_layer.weight" : this.tied ? "model.embed_tokens.weight"
				: "lm_head.weight");
		float[][] logits = new float[count][];
		for (int t = 0; t < count; t++) {
			logits[t] = matVec(head, rmsNorm(x[t], finalNorm), this.vocab, this.hidden, null);
		}
		return logits;
	}

	private float[][] llamaLayer(int layer, float[][] x) {
		String p = "model.layers." + layer + ".";
		int count = x.length;
		float[][] q = new float[count][];
		float[][] k = new float[count][];
		float[][] v = new float[count][];
		for (int t = 0; t < count; t++) {
			float[] h = rmsNorm(x[t], weight(p + "input_layernorm.weight"));
			q[t] = matVec(weight(p + "self_attn.q_proj.weight"), h, this.heads * this.headDim, this.hidden,
					optional(p + "self_attn.q_proj.bias"));
			k[t] = matVec(weight(p + "self_attn.k_proj.weight"), h, this.kvHeads * this.headDim, this.hidden,
					optional(p + "self_attn.k_proj.bias"));
			v[t] = matVec(weight(p + "self_attn.v_proj.weight"), h, this.kvHeads * this.headDim, this.hidden,
					optional(p + "self_attn.v_proj.bias"));
			rotateHalf(q[t], this.heads, t);
			rotateHalf(k[t], this.kvHeads, t);
		}
		float[][] out = new float[count][];
		for (int t = 0; t < count; t++) {
			float[] attention = attend(q, k, v, t);
			float[] o = matVec(weight(p + "self_attn.o_proj.weight"), attention, this.hidden, this.heads * this.headDim,
					optional(p + "self_attn.o_proj.bias"));
			float[] residual = add(x[t], o);
			float[] h = rmsNorm(residual, weight(p + "post_attention_layernorm.weight"));
			float[] gate = matVec(weight(p + "mlp.gate_proj.weight"), h, this.intermediate, this.hidden, null);
			float[] up = matVec(weight(p + "mlp.up_proj.weight"), h, this.intermediate, this.hidden, null);
			float[] activated = new float[this.intermediate];
			for (int i = 0; i < this.intermediate; i++) {
				activated[i] = silu(gate[i]) * up[i];
			}
			out[t] = add(residual, matVec(weight(p + "mlp.down_proj.weight"), activated, this.hidden, this.intermediate,
					null));
		}
		return out;
	}

	private float[][] glmLayer(int layer, float[][] x) {
		String p = "transformer.encoder.layers." + layer + ".";
		int count = x.length;
		int queryWidth = this.heads * this.headDim;
		int groupWidth = this.kvHeads * this.headDim;
		float[][] q = new float[count][];
		float[][] k = new float[count][];
		float[][] v = new float[count][];
		for (int t = 0; t < count; t++) {
			float[] h = rmsNorm(x[t], weight(p + "input_layernorm.weight"));
			float[] mixed = matVec(weight(p + "self_attention.query_key_value.weight"), h, queryWidth + 2 * groupWidth,
					this.hidden, optional(p + "self_attention.query_key_value.bias"));
			q[t] = java.util.Arrays.copyOfRange(mixed, 0, queryWidth);
			k[t] = java.util.Arrays.copyOfRange(mixed, queryWidth, queryWidth + groupWidth);
			v[t] = java.util.Arrays.copyOfRange(mixed, queryWidth + groupWidth, queryWidth + 2 * groupWidth);
			rotatePairs(q[t], this.heads, t);
			rotatePairs(k[t], this.kvHeads, t);
		}
		float[][] out = new float[count][];
		for (int t = 0; t < count; t++) {
			float[] attention = attend(q, k, v, t);
			float[] dense = matVec(weight(p + "self_attention.dense.weight"), attention, this.hidden, queryWidth, null);
			float[] residual = add(x[t], dense);
			float[] h = rmsNorm(residual, weight(p + "post_attention_layernorm.weight"));
			float[] fused = matVec(weight(p + "mlp.dense_h_to_4h.weight"), h, 2 * this.intermediate, this.hidden, null);
			float[] activated = new float[this.intermediate];
			for (int i = 0; i < this.intermediate; i++) {
				activated[i] = silu(fused[i]) * fused[this.intermediate + i];
			}
			out[t] = add(residual, matVec(weight(p + "mlp.dense_4h_to_h.weight"), activated, this.hidden,
					this.intermediate, null));
		}
		return out;
	}

	/** Causal attention of position {@code t}; query head h reads key/value head h / group. */
	private float[] attend(float[][] q, float[][] k, float[][] v, int t) {
		int group = this.heads / this.kvHeads;
		float[] out = new float[this.heads * this.headDim];
		double scale = 1.0 / Math.sqrt(this.headDim);
		for (int head = 0; head < this.heads; head++) {
			int kv = head / group;
			double[] scores = new double[t + 1];
			double max = Double.NEGATIVE_INFINITY;
			for (int s = 0; s <= t; s++) {
				double dot = 0;
				for (int d = 0; d < this.headDim; d++) {
					dot += q[t][head * this.headDim + d] * k[s][kv * this.headDim + d];
				}
				scores[s] = dot * scale;
				max = Math.max(max, scores[s]);
			}
			double sum = 0;
			for (int s = 0; s <= t; s++) {
				scores[s] = Math.exp(scores[s] - max);
				sum += scores[s];
			}
			for (int d = 0; d < this.headDim; d++) {
				double value = 0;
				for (int s = 0; s <= t; s++) {
					value += scores[s] / sum * v[s][kv * this.headDim + d];
				}
				out[head * this.headDim + d] = (float) value;
			}
		}
		return out;
	}

	/** transformers' rotate_half: dimension i pairs with i + headDim/2. */
	private void rotateHalf(float[] x, int count, int position) {
		int half = this.headDim / 2;
		for (int head = 0; head < count; head++) {
			int base = head * this.headDim;
			for (int i = 0; i < half; i++) {
				float angle = (float) position * this.inverseFrequencies[i];
				float cos = (float) Math.cos(angle);
				float sin = (float) Math.sin(angle);
				float first = x[base + i];
				float second = x[base + i + half];
				x[base + i] = first * cos - second * sin;
				x[base + i + half] = second * cos + first * sin;
			}
		}
	}

	/** modeling_chatglm's apply_rotary_pos_emb: pairs (2j, 2j+1) over the first half. */
	private void rotatePairs(float[] x, int count, int position) {
		for (int head = 0; head < count; head++) {
			int base = head * this.headDim;
			for (int j = 0; j < this.inverseFrequencies.length; j++) {
				float angle = (float) position * this.inverseFrequencies[j];
				float cos = (float) Math.cos(angle);
				float sin = (float) Math.sin(angle);
				float x0 = x[base + 2 * j];
				float x1 = x[base + 2 * j + 1];
				x[base + 2 * j] = x0 * cos - x1 * sin;
				x[base + 2 * j + 1] = x1 * cos + x0 * sin;
			}
		}
	}

	private float[] llamaFrequencies(JsonNode config) {
		float base = (float) config.path("rope_theta").asDouble(10000);
		float[] frequencies = new float[this.headDim / 2];
		for (int i = 0; i < frequencies.length; i++) {
			frequencies[i] = 1.0f / (float) Math.pow(base, (float) (2 * i) / this.headDim);
		}
		JsonNode scaling = config.path("rope_scaling");
		if (scaling.isObject() && scaling.path("rope_type").asString("").equals("llama3")) {
			// transformers' _compute_llama3_parameters
			float factor = (float) scaling.get("factor").asDouble();
			float low = (float) scaling.get("low_freq_factor").asDouble();
			float high = (float) scaling.get("high_freq_factor").asDouble();
			float old = scaling.get("original_max_position_embeddings").asInt();
			float lowWavelength = old / low;
			float highWavelength = old / high;
			for (int i = 0; i < frequencies.length; i++) {
				float wavelength = (float) (2 * Math.PI / frequencies[i]);
				float scaled = (wavelength > lowWavelength) ? frequencies[i] / factor : frequencies[i];
				float smooth = (old / wavelength - low) / (high - low);
				float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
				boolean medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
				frequencies[i] = medium ? smoothed : scaled;
			}
		}
		return frequencies;
	}

	private float[] rmsNorm(float[] x, float[] weight) {
		double sum = 0;
		for (float value : x) {
			sum += value * value;
		}
		float inverse = (float) (1.0 / Math.sqrt(sum / x.length + this.eps));
		float[] out = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			out[i] = weight[i] * (x[i] * inverse);
		}
		return out;
	}

	private static float[] matVec(float[] matrix, float[] vector, int rows, int columns, float[] bias) {
		float[] out = new float[rows];
		for (int r = 0; r < rows; r++) {
			double sum = (bias != null) ? bias[r] : 0;
			for (int c = 0; c < columns; c++) {
				sum += (double) matrix[r * columns + c] * vector[c];
			}
			out[r] = (float) sum;
		}
		return out;
	}

	private static float[] add(float[] a, float[] b) {
		float[] out = new float[a.length];
		for (int i = 0; i < a.length; i++) {
			out[i] = a[i] + b[i];
		}
		return out;
	}

	private static float silu(float x) {
		return (float) (x / (1 + Math.exp(-x)));
	}

	private float[] weight(String name) {
		float[] weight = this.weights.get(name);
		if (weight == null) {
			throw new IllegalArgumentException("no tensor " + name);
		}
		return weight;
	}

	private float[] optional(String name) {
		return this.weights.get(name);
	}

	private static Map<String, float[]> readWeights(Path directory) {
		Path index = directory.resolve("model.safetensors.index.json");
		Set<String> files = new LinkedHashSet<>();
		if (Files.exists(index)) {
			readJson(index).get("weight_map").properties().forEach((entry) -> files.add(entry.getValue().asString()));
		}
		else {
			files.add("model.safetensors");
		}
		Map<String, float[]> weights = new HashMap<>();
		for (String file : files) {
			weights.putAll(TestSafetensors.read(directory.resolve(file)));
		}
		return weights;
	}

	private static JsonNode readJson(Path file) {
		try {
			return JSON.readTree(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
