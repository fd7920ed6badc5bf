package dev.enclave.tools.internal.mcp;

import java.util.List;
import java.util.Map;

import dev.enclave.tools.internal.ToolFailure;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the model is told of an MCP tool's result. */
class McpResultsTests {

	@Test
	void textPartsAndTextResourcesAreTheResultAndOtherMediaAreNotedAsLeftOut() {
		McpSchema.CallToolResult result = McpSchema.CallToolResult.builder()
			.addTextContent("Order A-17 has shipped")
			.addContent(new McpSchema.EmbeddedResource(null,
					new McpSchema.TextResourceContents("orders://A-17", "text/plain", "ETA Friday", null), null))
			.addContent(new McpSchema.ImageContent(null, "aW1hZ2U=", "image/png", null))
			.structuredContent(Map.of("status", "shipped"))
			.build();
		JsonNode told = McpResults.forModel(result);
		assertThat(told.get("text").asString()).isEqualTo("Order A-17 has shipped\nETA Friday");
		assertThat(told.get("structured").get("status").asString()).isEqualTo("shipped");
		assertThat(told.get("omitted").get(0).asString()).isEqualTo("image");
		assertThat(told.toString()).doesNotContain("aW1hZ2U=");
	}

	@Test
	void aResultMarkedAsAnErrorIsAFailureTheModelReads() {
		McpSchema.CallToolResult failed = McpSchema.CallToolResult.builder()
			.addTextContent("the order service is unavailable")
			.isError(true)
			.build();
		assertThatThrownBy(() -> McpResults.forModel(failed)).isInstanceOf(ToolFailure.class)
			.hasMessage("The tool reported an error: the order service is unavailable");
		assertThatThrownBy(() -> McpResults.forModel(McpSchema.CallToolResult.builder(List.of()).isError(true).build()))
			.hasMessage("The tool reported an error.");
	}

}
