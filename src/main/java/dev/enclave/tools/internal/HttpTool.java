package dev.enclave.tools.internal;

import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.internal.http.HttpToolDefinition;
import dev.enclave.tools.internal.http.HttpToolInvoker;
import dev.enclave.tools.internal.http.ToolHttpException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A configured HTTP tool ({@code enclave.tools.http[]}): the request goes out through the
 * egress-checked invoker, and the model gets the status and the kept fields, or the
 * invoker's safe wording of what went wrong.
 */
final class HttpTool implements Tool {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ToolDefinition definition;

	private final HttpToolDefinition request;

	private final HttpToolInvoker invoker;

	HttpTool(ToolsSettings.HttpTool settings, HttpToolInvoker invoker) {
		this.definition = settings.definition();
		this.request = settings.request();
		this.invoker = invoker;
	}

	@Override
	public ToolDefinition definition() {
		return this.definition;
	}

	@Override
	public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
		return this.invoker.invoke(this.request, arguments).<JsonNode>map((result) -> {
			ObjectNode answer = JSON.createObjectNode();
			answer.put("status", result.status());
			answer.set("fields", result.fields());
			return answer;
		}).onErrorMap(ToolHttpException.class, (failure) -> new ToolFailure(failure.getMessage()));
	}

}
