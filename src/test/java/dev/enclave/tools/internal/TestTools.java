package dev.enclave.tools.internal;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Tools and people for the module's tests. */
final class TestTools {

	static final String TICKET_SCHEMA = """
			{"type": "object",
			 "properties": {"id": {"type": "string", "pattern": "^T-[0-9]+$"}, "verbose": {"type": "boolean"}},
			 "required": ["id"], "additionalProperties": false}""";

	private TestTools() {
	}

	static Principal person(Set<Role> roles, Set<String> scopes) {
		return new Principal(new TenantId(UUID.randomUUID()), new SubjectId(UUID.randomUUID()), roles, scopes,
				AuthMethod.LOCAL, Priority.INTERACTIVE, false);
	}

	static ToolDefinition definition(String name, Set<String> scopes, Set<Role> roles, Duration timeout) {
		return new ToolDefinition(name, "Test tool " + name, TICKET_SCHEMA, scopes, roles, ToolMode.READ, false,
				timeout);
	}

	/** A tool whose answer the test scripts. */
	static Tool tool(ToolDefinition definition, Function<JsonNode, Mono<JsonNode>> answer) {
		return new Tool() {

			@Override
			public ToolDefinition definition() {
				return definition;
			}

			@Override
			public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
				return answer.apply(arguments);
			}

		};
	}

}
