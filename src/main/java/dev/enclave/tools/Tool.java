package dev.enclave.tools;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tool Enclave runs. Implementations do the work only: arguments arrive already checked
 * against the schema and the caller's permissions, and the timeout, circuit breaker, size cap
 * and audit are applied around them ({@link ToolRegistry}).
 */
public interface Tool {

	ToolDefinition definition();

	/**
	 * Runs one call. Blocking work belongs on a bounded scheduler of the implementation's
	 * own, never on the calling thread.
	 * @return the result as JSON; an error for a failure the model may be told about
	 */
	Mono<JsonNode> call(ToolCallContext context, JsonNode arguments);

}
