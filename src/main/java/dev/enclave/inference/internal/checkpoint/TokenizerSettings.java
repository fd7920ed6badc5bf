package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

	/**
	 * Reads the chat settings of a tokenizer directory that is not a whole checkpoint (the
	 * tokenizer of a model served elsewhere): {@code tokenizer_config.json} and
	 * {@code chat_template.jinja}, when they are there; none when neither is.
	 * @throws CheckpointException when a file is there but cannot be read
	 */
	public static TokenizerSettings read(Path directory) {
		Path config = directory.resolve(Checkpoint.TOKENIZER_CONFIG);
		Path template = directory.resolve(Checkpoint.CHAT_TEMPLATE);
		try {
			JsonNode settings = Files.isRegularFile(config) ? JsonMapper.builder().build().readTree(Files.readAllBytes(config))
					: JsonMapper.builder().build().createObjectNode();
			String templateFile = Files.isRegularFile(template) ? Files.readString(template, StandardCharsets.UTF_8)
					: null;
			return of(settings, templateFile);
		}
		catch (IOException | JacksonException ex) {
			throw new CheckpointException("The tokenizer settings in " + directory + " cannot be read: "
					+ ex.getMessage(), ex);
		}
	}

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
