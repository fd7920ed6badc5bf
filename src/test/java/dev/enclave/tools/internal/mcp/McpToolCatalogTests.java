package dev.enclave.tools.internal.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.identity.Role;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** How a server's listing becomes Enclave tools: names, allow-list, mode, approval, description, schema. */
class McpToolCatalogTests {

	private static final Map<String, Object> SCHEMA = Map.of("type", "object", "properties",
			Map.of("order_id", Map.of("type", "string")));

	private static final McpCalls NOWHERE = (tool, arguments) -> Mono.empty();

	@Test
	void toolsAreNamedAfterTheServerAndCallableNamesOnly() {
		McpToolCatalog catalog = new McpToolCatalog(McpTestServers.withPolicy(List.of(), null, Set.of(), null, null),
				NOWHERE);
		List<Tool> tools = catalog.tools(List.of(tool("lookup_order", null), tool("orders.cancel v2", null),
				tool("x".repeat(60), null)));
		assertThat(tools).extracting((tool) -> tool.definition().name())
			.as("the prefix is the server's name; a name past 64 characters is left out")
			.containsExactly("desk_lookup_order", "desk_orders_cancel_v2");
		assertThat(tools).extracting((tool) -> ((McpTool) tool).mcpName())
			.as("calls use the server's own name")
			.containsExactly("lookup_order", "orders.cancel v2");

		McpToolCatalog unprefixed = new McpToolCatalog(McpTestServers.withPolicy(List.of(), "", Set.of(), null, null),
				NOWHERE);
		assertThat(unprefixed.tools(List.of(tool("lookup_order", null)))).extracting((tool) -> tool.definition().name())
			.containsExactly("lookup_order");
	}

	@Test
	void onlyTheToolsTheAllowListNamesAreOffered() {
		McpToolCatalog catalog = new McpToolCatalog(
				McpTestServers.withPolicy(List.of("lookup_order", "gone"), null, Set.of(), null, null), NOWHERE);
		assertThat(catalog.tools(List.of(tool("lookup_order", null), tool("drop_tables", null))))
			.extracting((tool) -> tool.definition().name())
			.containsExactly("desk_lookup_order");
	}

	@Test
	void theServersReadOnlyHintPicksTheModeUnlessTheConfigurationDoes() {
		McpSchema.ToolAnnotations readOnly = McpSchema.ToolAnnotations.builder().readOnlyHint(true).build();
		McpSchema.ToolAnnotations noHint = McpSchema.ToolAnnotations.builder().title("Refund").build();
		McpToolCatalog hinted = new McpToolCatalog(
				McpTestServers.withPolicy(List.of(), null, Set.of(Role.ADMIN), null, null), NOWHERE);
		List<ToolDefinition> definitions = definitions(hinted, tool("lookup_order", readOnly), tool("refund", noHint),
				tool("close", null));
		assertThat(definitions).extracting(ToolDefinition::mode)
			.containsExactly(ToolMode.READ, ToolMode.WRITE, ToolMode.WRITE);
		assertThat(definitions).extracting(ToolDefinition::requiresApproval).containsExactly(false, true, true);
		assertThat(definitions.get(0).requiredScopes()).containsExactlyInAnyOrder("chat", "orders");
		assertThat(definitions.get(0).allowedRoles()).containsExactly(Role.ADMIN);
		assertThat(definitions.get(0).timeout()).isEqualTo(Duration.ofSeconds(7));

		McpToolCatalog configured = new McpToolCatalog(
				McpTestServers.withPolicy(List.of(), null, Set.of(), ToolMode.READ, true), NOWHERE);
		assertThat(definitions(configured, tool("refund", noHint))).singleElement().satisfies((definition) -> {
			assertThat(definition.mode()).isEqualTo(ToolMode.READ);
			assertThat(definition.requiresApproval()).isTrue();
		});
	}

	@Test
	void theDescriptionIsTheServersBoundedAndTheSchemaIsItsInputSchema() {
		McpToolCatalog catalog = new McpToolCatalog(McpTestServers.withPolicy(List.of(), null, Set.of(), null, null),
				NOWHERE);
		McpSchema.Tool titled = McpSchema.Tool.builder("titled", SCHEMA).title("Look up an order").build();
		McpSchema.Tool bare = McpSchema.Tool.builder("bare", SCHEMA).build();
		McpSchema.Tool wordy = McpSchema.Tool.builder("wordy", SCHEMA).description("word ".repeat(400)).build();
		List<ToolDefinition> definitions = definitions(catalog, titled, bare, wordy);
		assertThat(definitions.get(0).description()).isEqualTo("Look up an order");
		assertThat(definitions.get(1).description()).isEqualTo("The tool bare of the MCP server desk");
		assertThat(definitions.get(2).description()).hasSize(McpToolCatalog.MAX_DESCRIPTION);
		JsonMapper json = JsonMapper.builder().build();
		assertThat(json.readTree(definitions.get(0).argumentsSchema())).isEqualTo(json.valueToTree(SCHEMA));
	}

	private static List<ToolDefinition> definitions(McpToolCatalog catalog, McpSchema.Tool... listed) {
		return catalog.tools(List.of(listed)).stream().map(Tool::definition).toList();
	}

	private static McpSchema.Tool tool(String name, McpSchema.ToolAnnotations annotations) {
		return McpSchema.Tool.builder(name, SCHEMA).description("Does " + name).annotations(annotations).build();
	}

}
