package dev.enclave.inference.internal.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What {@code tokenizer_config.json} (and {@code chat_template.jinja}, which newer
 * checkpoints write beside it) say about chat: the templates and the special tokens the
 * templates refer to by name ({@code bos_token}, {@code eos_token}, ...).
 *
 * @param chatTemplates template source by name; the unnamed one is {@code default}
 * @param specialTokens {@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token} and friends, as their text
 */
public record TokenizerSettings(Map<String, String> chatTemplates, Map<String, String> specialTokens) {

	private static final String[] SPECIAL_TOKENS = { "bos_token", "eos_token", "pad_token", "unk_token",
			"sep_token", "cls_token", "mask_token" };

	static TokenizerSettings of(JsonNode config, @Nullable String templateFile) {
		Map<String, String> templates = new LinkedHashMap<>();
		JsonNode template = config.path("chat_template");
		if (template.isString()) {
			templates.put("default", template.asString());
		}
		else if (template.isArray()) {
			for (JsonNode named : template) {
				if (named.path("name").isString() && named.path("template").isString()) {
					templates.put(named.path("name").asString(), named.path("template").asString());
				}
			}
		}
		if (templateFile != null) {
			templates.put("default", templateFile);
		}
		Map<String, String> tokens = new LinkedHashMap<>();
		for (String name : SPECIAL_TOKENS) {
			JsonNode token = config.path(name);
			if (token.isString()) {
				tokens.put(name, token.asString());
			}
			else if (token.path("content").isString()) {
				tokens.put(name, token.path("content").asString());
			}
		}
		return new TokenizerSettings(Map.copyOf(templates), Map.copyOf(tokens));
	}

	/** The template for a request: {@code tool_use} when tools are offered and it exists. */
	public @Nullable String chatTemplate(boolean withTools) {
		if (withTools && this.chatTemplates.containsKey("tool_use")) {
			return this.chatTemplates.get("tool_use");
		}
		return this.chatTemplates.get("default");
	}

}
