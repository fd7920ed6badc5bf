package dev.enclave.assistant.internal.openai;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A tool the client declared in an OpenAI request. It exists so the model's chat template
 * can show the tool to the model; the client runs its own tools, so Enclave never calls it.
 */
record DeclaredTool(ToolDefinition definition) implements ToolCallback {

	@Override
	public ToolDefinition getToolDefinition() {
		return this.definition;
	}

	@Override
	public String call(String toolInput) {
		throw new UnsupportedOperationException(
				"Tool '" + this.definition.name() + "' belongs to the API client; Enclave does not run it");
	}

	/**
	 * What the client said of its tool. OpenAI makes the description optional, so an empty
	 * one is allowed here (Spring AI's own definition insists on one).
	 */
	record Definition(String name, String description, String inputSchema) implements ToolDefinition {
	}

}
