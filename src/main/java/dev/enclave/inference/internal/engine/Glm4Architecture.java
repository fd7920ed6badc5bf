package dev.enclave.inference.internal.engine;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * GLM-4 in the {@code chatglm} layout of THUDM/glm-4-9b-chat ({@code modeling_chatglm.py}):
 * one fused {@code query_key_value} projection with bias (query heads, then the
 * multi-query key groups, then the value groups), rotary embedding on the first half of each
 * head in interleaved pairs with base {@code 10000 * rope_ratio}, a fused
 * {@code dense_h_to_4h} whose two halves are SwiGLU's gate and up, and a separate
 * {@code output_layer}. Variants this layout also describes but GLM-4 does not use
 * (LayerNorm, post-norm residuals, no multi-query) are refused.
 */
final class Glm4Architecture implements Architecture {

	private static final String LAYERS = "transformer.encoder.layers.";

	@Override
	public DecoderSpec spec(JsonNode json) {
		ConfigReader config = new ConfigReader(json);
		config.expect("rmsnorm", true, true);
		config.expect("post_layer_norm", true, true);
		config.expect("add_bias_linear", false, false);
		config.expect("apply_residual_connection_post_layernorm", false, false);
		config.expect("multi_query_attention", true, false);
		config.expect("original_rope", true, true);
		int hidden = config.integer("hidden_size");
		int heads = config.integer("num_attention_heads");
		int headDim = config.integer("kv_channels", hidden / heads);
		RopeSpec rope = new RopeSpec(10000 * config.number("rope_ratio", 1), headDim / 2, true,
				RopeSpec.Scaling.NONE);
		return new DecoderSpec("chatglm", hidden, config.firstInteger("num_layers", "num_hidden_layers"), heads,
				config.integer("multi_query_group_num"), headDim, config.integer("ffn_hidden_size"),
				config.firstInteger("padded_vocab_size", "vocab_size"), config.number("layernorm_epsilon", 1e-5),
				rope, config.integer("seq_length", 8192), false, config.flag("add_qkv_bias", false), false);
	}

	@Override
	public DecoderWeights load(TensorLoader tensors, DecoderSpec spec) {
		int hidden = spec.hiddenSize();
		List<LayerWeights> layers = new ArrayList<>();
		for (int layer = 0; layer < spec.layers(); layer++) {
			String prefix = LAYERS + layer + ".";
			String attention = prefix + "self_attention.";
			layers.add(new LayerWeights(tensors.loadFloat32(prefix + "input_layernorm.weight", hidden),
					tensors.load(attention + "query_key_value.weight", spec.qkvWidth(), hidden),
					spec.qkvBias() ? tensors.load(attention + "query_key_value.bias", spec.qkvWidth()) : null,
					tensors.load(attention + "dense.weight", hidden, spec.heads() * spec.headDim()), null,
					tensors.loadFloat32(prefix + "post_attention_layernorm.weight", hidden),
					tensors.load(prefix + "mlp.dense_h_to_4h.weight", 2L * spec.intermediateSize(), hidden),
					tensors.load(prefix + "mlp.dense_4h_to_h.weight", hidden, spec.intermediateSize())));
		}
		return new DecoderWeights(
				tensors.load("transformer.embedding.word_embeddings.weight", spec.vocabSize(), hidden), layers,
				tensors.loadFloat32("transformer.encoder.final_layernorm.weight", hidden),
				tensors.load("transformer.output_layer.weight", spec.vocabSize(), hidden));
	}

}
