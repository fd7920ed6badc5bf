package dev.enclave.tools;

import java.util.List;

import org.springframework.ai.tool.ToolCallback;

/**
 * Enclave's tools as Spring AI {@link ToolCallback}s, so chat templates and model servers see
 * them like any declared tool. They only declare: Enclave's own loop runs every call, after
 * its gate. (Spring AI 2 runs tools only through its {@code ToolCallingManager}, in an
 * advisor chain; Enclave's chat models have no such chain, so nothing but the loop runs them,
 * and a callback that is called anyway refuses.)
 */
public final class EnclaveToolCallbacks {

	private EnclaveToolCallbacks() {
	}

	/** The callbacks that show these tools to a model. */
	public static List<ToolCallback> of(List<ToolDefinition> tools) {
		return tools.stream().map((tool) -> (ToolCallback) new Declared(tool)).toList();
	}

	private record Declared(ToolDefinition tool) implements ToolCallback {

		@Override
		public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
			return org.springframework.ai.tool.definition.ToolDefinition.builder()
				.name(this.tool.name())
				.description(this.tool.description())
				.inputSchema(this.tool.argumentsSchema())
				.build();
		}

		@Override
		public String call(String toolInput) {
			throw new UnsupportedOperationException(
					"Tool '" + this.tool.name() + "' runs in Enclave's tool loop, behind its permission gate");
		}

	}

}
