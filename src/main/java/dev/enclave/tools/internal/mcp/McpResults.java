package dev.enclave.tools.internal.mcp;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.tools.internal.ToolFailure;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the model is told of an MCP tool's result: its text, and its structured content when
 * it has some. Images, audio and binary resources are not passed on (the models Enclave runs
 * read text), only noted as left out. A result the server marks {@code isError} is a failure
 * whose text the model may read. The executor wraps either as untrusted data.
 */
final class McpResults {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private McpResults() {
	}

	/**
	 * @throws ToolFailure when the server says the call failed
	 */
	static JsonNode forModel(McpSchema.CallToolResult result) {
		List<String> omitted = new ArrayList<>();
		String text = text(result.content(), omitted);
		if (Boolean.TRUE.equals(result.isError())) {
			throw new ToolFailure(text.isBlank() ? "The tool reported an error." : "The tool reported an error: " + text);
		}
		ObjectNode answer = JSON.createObjectNode();
		answer.put("text", text);
		if (result.structuredContent() != null) {
			answer.set("structured", JSON.valueToTree(result.structuredContent()));
		}
		if (!omitted.isEmpty()) {
			omitted.forEach(answer.putArray("omitted")::add);
		}
		return answer;
	}

	private static String text(List<McpSchema.Content> content, List<String> omitted) {
		StringBuilder text = new StringBuilder();
		for (McpSchema.Content part : content) {
			String piece = null;
			if (part instanceof McpSchema.TextContent words) {
				piece = words.text();
			}
			else if (part instanceof McpSchema.EmbeddedResource embedded
					&& embedded.resource() instanceof McpSchema.TextResourceContents resource) {
				piece = resource.text();
			}
			else if (part instanceof McpSchema.ResourceLink link) {
				piece = "[resource " + link.uri() + "]";
			}
			else {
				omitted.add(part.type());
			}
			if (piece != null) {
				if (text.length() > 0) {
					text.append('\n');
				}
				text.append(piece);
			}
		}
		return text.toString();
	}

}
