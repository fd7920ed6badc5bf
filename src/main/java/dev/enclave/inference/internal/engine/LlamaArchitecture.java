package dev.enclave.inference.internal.engine;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import dev.enclave.inference.internal.checkpoint.CheckpointException;
import tools.jackson.databind.JsonNode;

/**
 * The LLaMA family as Hugging Face lays it out ({@code LlamaForCausalLM}): RMSNorm, rotary
 * embedding on the two halves of each head, grouped-query attention with separate
 * {@code q_proj}/{@code k_proj}/{@code v_proj}, a SwiGLU MLP of {@code gate_proj},
 * {@code up_proj} and {@code down_proj}, and an output head tied or not.
 */
class LlamaArchitecture implements Architecture {

	@Override
	public DecoderSpec spec(JsonNode json) {
		ConfigReader config = new ConfigReader(json);
		String activation = config.text("hidden_act", "silu");
		if (!activation.equals("silu")) {
			throw new CheckpointException("config.json sets hidden_act to " + activation + "; Enclave runs silu");
		}
		config.expect("mlp_bias", false, false);
		int hidden = config.integer("hidden_size");
		int heads = config.integer("num_attention_heads");
		int headDim = config.integer("head_dim", hidden / heads);
		RopeSpec rope = new RopeSpec(config.number("rope_theta", 10000), headDim, false,
				RopeSpec.Scaling.of(config.node("rope_scaling")));
		return new DecoderSpec(config.text("model_type", "llama"), hidden, config.integer("num_hidden_layers"), heads,
				config.integer("num_key_value_heads", heads), headDim, config.integer("intermediate_size"),
				config.integer("vocab_size"), config.number("rms_norm_eps", 1e-6), rope, maxPositions(config),
				config.flag("tie_word_embeddings", false), qkvBias(config), outputBias(config));
	}

	/** Whether {@code q_proj}, {@code k_proj} and {@code v_proj} carry a bias. */
	protected boolean qkvBias(ConfigReader config) {
		return config.flag("attention_bias", false);
	}

	/** Whether {@code o_proj} carries a bias. */
	protected boolean outputBias(ConfigReader config) {
		return config.flag("attention_bias", false);
	}

	protected int maxPositions(ConfigReader config) {
		return config.integer("max_position_embeddings", 2048);
	}

	@Override
	public DecoderWeights load(TensorLoader tensors, DecoderSpec spec) {
		int hidden = spec.hiddenSize();
		int queries = spec.heads() * spec.headDim();
		int keys = spec.kvHeads() * spec.headDim();
		NDArray embedding = tensors.load("model.embed_tokens.weight", spec.vocabSize(), hidden);
		List<LayerWeights> layers = new ArrayList<>();
		for (int layer = 0; layer < spec.layers(); layer++) {
			String prefix = "model.layers." + layer + ".";
			String attention = prefix + "self_attn.";
			NDArray qkv = tensors.concat(tensors.load(attention + "q_proj.weight", queries, hidden),
					tensors.load(attention + "k_proj.weight", keys, hidden),
					tensors.load(attention + "v_proj.weight", keys, hidden));
			NDArray qkvBias = spec.qkvBias() ? tensors.concat(tensors.load(attention + "q_proj.bias", queries),
					tensors.load(attention + "k_proj.bias", keys), tensors.load(attention + "v_proj.bias", keys))
					: null;
			NDArray gateUp = tensors.concat(
					tensors.load(prefix + "mlp.gate_proj.weight", spec.intermediateSize(), hidden),
					tensors.load(prefix + "mlp.up_proj.weight", spec.intermediateSize(), hidden));
			layers.add(new LayerWeights(tensors.loadFloat32(prefix + "input_layernorm.weight", hidden), qkv, qkvBias,
					tensors.load(attention + "o_proj.weight", hidden, queries),
					spec.outputBias() ? tensors.load(attention + "o_proj.bias", hidden) : null,
					tensors.loadFloat32(prefix + "post_attention_layernorm.weight", hidden), gateUp,
					tensors.load(prefix + "mlp.down_proj.weight", hidden, spec.intermediateSize())));
		}
		NDArray lmHead = spec.tiedEmbeddings() ? embedding
				: tensors.load("lm_head.weight", spec.vocabSize(), hidden);
		return new DecoderWeights(embedding, layers, tensors.loadFloat32("model.norm.weight", hidden), lmHead);
	}

}
