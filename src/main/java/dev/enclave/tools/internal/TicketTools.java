package dev.enclave.tools.internal;

import java.time.Duration;
import java.util.Set;

import dev.enclave.identity.Role;
import dev.enclave.identity.Scopes;
import dev.enclave.shared.ConversationId;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The built-in ticket tools: {@code get_ticket} reads, {@code create_ticket} writes after approval. */
final class TicketTools {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TicketTools() {
	}

	static Tool get(Tickets tickets) {
		ToolDefinition definition = new ToolDefinition("get_ticket",
				"Look up a support ticket by its reference (T-1001): status, priority, subject and description.",
				"""
						{"type": "object",
						 "properties": {"reference": {"type": "string", "pattern": "^[Tt]-[0-9]{1,18}$", "description": "The ticket's reference, such as T-1001"}},
						 "required": ["reference"], "additionalProperties": false}""",
				Set.of(Scopes.CHAT), Set.of(), ToolMode.READ, false, Duration.ofSeconds(5));
		return new Tool() {

			@Override
			public ToolDefinition definition() {
				return definition;
			}

			@Override
			public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
				String reference = arguments.get("reference").asString();
				return tickets.find(context.principal().tenantId(), Tickets.number(reference))
					.map(TicketTools::view)
					.switchIfEmpty(Mono.error(() -> new ToolFailure("There is no ticket " + reference.strip() + ".")));
			}

		};
	}

	static Tool create(Tickets tickets) {
		ToolDefinition definition = new ToolDefinition("create_ticket",
				"Open a support ticket for the customer's issue. A person approves it before it is created.",
				"""
						{"type": "object",
						 "properties": {
						   "subject": {"type": "string", "minLength": 3, "maxLength": 200},
						   "description": {"type": "string", "minLength": 1, "maxLength": 5000},
						   "priority": {"enum": ["low", "normal", "high", "urgent"]}},
						 "required": ["subject", "description"], "additionalProperties": false}""",
				Set.of(Scopes.CHAT), Set.of(), ToolMode.WRITE, true, Duration.ofSeconds(5), Set.of(Role.ADMIN));
		return new Tool() {

			@Override
			public ToolDefinition definition() {
				return definition;
			}

			@Override
			public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
				if (context.conversationId() == null) {
					return Mono.error(new ToolFailure("A ticket can only be opened from a conversation."));
				}
				String priority = arguments.has("priority") ? arguments.get("priority").asString() : "normal";
				return tickets
					.open(context.principal().tenantId(), ConversationId.of(context.conversationId()),
							context.principal().subjectId(), arguments.get("subject").asString(),
							arguments.get("description").asString(), priority)
					.map(TicketTools::view);
			}

		};
	}

	private static JsonNode view(Tickets.Ticket ticket) {
		ObjectNode node = JSON.createObjectNode()
			.put("reference", ticket.reference())
			.put("status", ticket.status())
			.put("priority", ticket.priority())
			.put("created_at", ticket.createdAt().toString());
		if (ticket.subject() == null) {
			node.put("note", "The ticket's text was erased with the conversation it came from.");
		}
		else {
			node.put("subject", ticket.subject()).put("description", ticket.description());
		}
		return node;
	}

}
