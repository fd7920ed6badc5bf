package dev.enclave.inference.internal.checkpoint;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The sampling defaults and end-of-sequence ids a checkpoint ships in
 * {@code generation_config.json} (and the {@code eos_token_id} of {@code config.json}). A
 * request's own options win; these fill what it leaves open.
 *
 * @param eosTokenIds every id that ends generation (GLM-4 has three)
 * @param doSample whether the checkpoint's authors sample by default; null when they do not say
 * @param temperature default temperature, when given
 * @param topK default top-k, when given
 * @param topP default top-p, when given
 */
public record GenerationDefaults(Set<Integer> eosTokenIds, @Nullable Boolean doSample, @Nullable Double temperature,
		@Nullable Integer topK, @Nullable Double topP) {

	static GenerationDefaults of(JsonNode config, @Nullable JsonNode generation) {
		Set<Integer> eos = new LinkedHashSet<>();
		addIds(eos, config.path("eos_token_id"));
		if (generation == null) {
			return new GenerationDefaults(Set.copyOf(eos), null, null, null, null);
		}
		addIds(eos, generation.path("eos_token_id"));
		Boolean doSample = generation.path("do_sample").isBoolean() ? generation.path("do_sample").asBoolean() : null;
		return new GenerationDefaults(Set.copyOf(eos), doSample, number(generation, "temperature"),
				generation.path("top_k").isIntegralNumber() ? generation.path("top_k").asInt() : null,
				number(generation, "top_p"));
	}

	private static void addIds(Set<Integer> ids, JsonNode node) {
		if (node.isIntegralNumber()) {
			ids.add(node.asInt());
		}
		else if (node.isArray()) {
			node.forEach((id) -> {
				if (id.isIntegralNumber()) {
					ids.add(id.asInt());
				}
			});
		}
	}

	private static @Nullable Double number(JsonNode node, String field) {
		return node.path(field).isNumber() ? node.path(field).asDouble() : null;
	}

}
