package dev.enclave.assistant.internal.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.enclave.inference.PassthroughFields;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a streamed answer's passed-on fields together for a whole {@code chat.completion},
 * the way OpenAI's own whole answers hold them: the {@code logprobs} lists of every piece
 * one after another, text fields of the message (a server's {@code reasoning_content})
 * joined, anything else as its last piece had it.
 */
final class PassthroughMerge {

	private final JsonMapper json;

	private @Nullable ObjectNode logprobs;

	private @Nullable JsonNode otherLogprobs;

	private final Map<String, JsonNode> message = new LinkedHashMap<>();

	PassthroughMerge(JsonMapper json) {
		this.json = json;
	}

	synchronized void add(PassthroughFields fields) {
		JsonNode pieceLogprobs = fields.choice().get("logprobs");
		if (pieceLogprobs instanceof ObjectNode object) {
			if (this.logprobs == null) {
				this.logprobs = this.json.createObjectNode();
			}
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				JsonNode existing = this.logprobs.get(field.getKey());
				if (field.getValue().isArray() && existing instanceof ArrayNode list) {
					list.addAll((ArrayNode) field.getValue());
				}
				else {
					this.logprobs.set(field.getKey(), field.getValue().deepCopy());
				}
			}
		}
		else if (pieceLogprobs != null) {
			this.otherLogprobs = pieceLogprobs;
		}
		fields.delta().forEach((name, value) -> {
			JsonNode existing = this.message.get(name);
			if (value.isString() && existing != null && existing.isString()) {
				this.message.put(name, this.json.getNodeFactory().stringNode(existing.asString() + value.asString()));
			}
			else {
				this.message.put(name, value);
			}
		});
	}

	synchronized @Nullable JsonNode logprobs() {
		return (this.logprobs != null) ? this.logprobs : this.otherLogprobs;
	}

	synchronized Map<String, JsonNode> messageFields() {
		return Map.copyOf(this.message);
	}

}
