package dev.enclave.tools.internal.mcp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import dev.enclave.tools.internal.ToolsSettings;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns what an MCP server lists into Enclave tools under the server's configured policy:
 * only the tools its allow-list names, each called {@code prefix + its MCP name} (characters
 * a model may not call are replaced by {@code _}), its mode from the configuration or else
 * the server's {@code readOnlyHint} (a tool without it is a write), and its input schema as
 * the argument schema the registry validates with.
 */
final class McpToolCatalog {

	private static final Logger log = LoggerFactory.getLogger(McpToolCatalog.class);

	/** A description is the server's text in every prompt its tools are offered in: bounded. */
	static final int MAX_DESCRIPTION = 1024;

	private static final Pattern UNCALLABLE = Pattern.compile("[^A-Za-z0-9_-]");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ToolsSettings.McpServer settings;

	private final McpCalls server;

	McpToolCatalog(ToolsSettings.McpServer settings, McpCalls server) {
		this.settings = settings;
		this.server = server;
	}

	List<Tool> tools(List<McpSchema.Tool> listed) {
		List<Tool> tools = new ArrayList<>();
		Set<String> missing = new LinkedHashSet<>(this.settings.tools());
		for (McpSchema.Tool tool : listed) {
			missing.remove(tool.name());
			if (tool.name().isBlank()
					|| (!this.settings.tools().isEmpty() && !this.settings.tools().contains(tool.name()))) {
				continue;
			}
			String name = this.settings.prefix() + UNCALLABLE.matcher(tool.name()).replaceAll("_");
			try {
				tools.add(new McpTool(definition(name, tool), tool.name(), this.server));
			}
			catch (IllegalArgumentException ex) {
				log.atWarn()
					.addKeyValue("mcp_server", this.settings.name())
					.addKeyValue("tool", tool.name())
					.log("The tool {} of MCP server '{}' is left out: {}", tool.name(), this.settings.name(),
							ex.getMessage());
			}
		}
		if (!missing.isEmpty()) {
			log.atWarn()
				.addKeyValue("mcp_server", this.settings.name())
				.log("MCP server '{}' does not list the tools {} that its configuration names", this.settings.name(),
						missing);
		}
		return tools;
	}

	private ToolDefinition definition(String name, McpSchema.Tool tool) {
		ToolMode mode = (this.settings.mode() != null) ? this.settings.mode() : readOnly(tool) ? ToolMode.READ
				: ToolMode.WRITE;
		return new ToolDefinition(name, description(tool), JSON.writeValueAsString(tool.inputSchema()),
				this.settings.scopes(), this.settings.roles(), mode, this.settings.approval(mode),
				this.settings.timeout(), this.settings.approverRoles());
	}

	private static boolean readOnly(McpSchema.Tool tool) {
		return tool.annotations() != null && Boolean.TRUE.equals(tool.annotations().readOnlyHint());
	}

	private String description(McpSchema.Tool tool) {
		String text = firstNonBlank(tool.description(), tool.title(),
				(tool.annotations() != null) ? tool.annotations().title() : null);
		if (text == null) {
			text = "The tool " + tool.name() + " of the MCP server " + this.settings.name();
		}
		text = text.strip();
		if (text.length() <= MAX_DESCRIPTION) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(MAX_DESCRIPTION - 1)) ? MAX_DESCRIPTION - 1 : MAX_DESCRIPTION;
		return text.substring(0, end);
	}

	private static @Nullable String firstNonBlank(@Nullable String... candidates) {
		for (String candidate : candidates) {
			if (candidate != null && !candidate.isBlank()) {
				return candidate;
			}
		}
		return null;
	}

}
