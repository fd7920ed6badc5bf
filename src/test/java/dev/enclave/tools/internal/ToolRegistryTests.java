package dev.enclave.tools.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import dev.enclave.tools.ToolVerdict;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The gate every proposed call passes: known tool, the person's permissions, valid arguments. */
class ToolRegistryTests {

	private static final Duration SECOND = Duration.ofSeconds(1);

	private final Tool getTicket = TestTools.tool(TestTools.definition("get_ticket", Set.of("chat"), Set.of(), SECOND),
			(args) -> Mono.just(args));

	private final Tool refund = TestTools.tool(
			TestTools.definition("refund_order", Set.of("chat", "refunds"), Set.of(Role.ADMIN), SECOND),
			(args) -> Mono.just(args));

	private final DefaultToolRegistry registry = new DefaultToolRegistry(List.of(this.refund, this.getTicket));

	private final Principal agent = TestTools.person(Set.of(Role.AGENT), Set.of("chat"));

	private final Principal admin = TestTools.person(Set.of(Role.ADMIN), Set.of("chat", "refunds"));

	@Test
	void aPersonIsOfferedOnlyTheToolsTheyMayUseInNameOrder() {
		assertThat(this.registry.offeredTo(this.agent)).extracting(ToolDefinition::name).containsExactly("get_ticket");
		assertThat(this.registry.offeredTo(this.admin)).extracting(ToolDefinition::name)
			.containsExactly("get_ticket", "refund_order");
		Principal scopedButNotAdmin = TestTools.person(Set.of(Role.AGENT), Set.of("chat", "refunds"));
		assertThat(this.registry.offeredTo(scopedButNotAdmin)).extracting(ToolDefinition::name)
			.as("a scope without one of the tool's roles is not enough")
			.containsExactly("get_ticket");
	}

	@Test
	void aCallTheModelProposesForAToolThePersonMayNotUseIsDenied() {
		// Whatever the prompt said: the verdict depends on the person, never on the text.
		ToolVerdict verdict = this.registry.check(this.agent, "refund_order", "{\"id\": \"T-1\"}");
		assertThat(verdict).isInstanceOf(ToolVerdict.Denied.class);
		assertThat(verdict.message()).isEqualTo("The user is not permitted to use the tool 'refund_order'.");
		assertThat(this.registry.check(this.admin, "refund_order", "{\"id\": \"T-1\"}"))
			.isInstanceOf(ToolVerdict.Allowed.class);
	}

	@Test
	void anUnknownToolIsSaidToBeUnknown() {
		assertThat(this.registry.check(this.admin, "delete_everything", "{}")).isInstanceOf(ToolVerdict.Unknown.class)
			.extracting(ToolVerdict::message)
			.isEqualTo("There is no tool named 'delete_everything'.");
	}

	@Test
	void argumentsAreCheckedAgainstTheSchema() {
		ToolVerdict.Allowed allowed = (ToolVerdict.Allowed) this.registry.check(this.agent, "get_ticket",
				"{\"id\": \"T-42\", \"verbose\": true}");
		assertThat(allowed.arguments().get("id").asString()).isEqualTo("T-42");
		assertThat(allowed.tool()).isSameAs(this.getTicket);

		assertThat(invalid("{}")).anyMatch((error) -> error.contains("id"));
		assertThat(invalid("{\"id\": 42}")).anyMatch((error) -> error.contains("string"));
		assertThat(invalid("{\"id\": \"42\"}")).anyMatch((error) -> error.contains("pattern"));
		assertThat(invalid("{\"id\": \"T-1\", \"drop\": true}")).anyMatch((error) -> error.contains("drop"));
		assertThat(invalid("{\"id\": ")).singleElement().asString().startsWith("the arguments are not valid JSON");
		assertThat(invalid("[\"T-1\"]")).containsExactly("the arguments must be a JSON object");
		assertThat(this.registry.check(this.agent, "get_ticket", "{}").message())
			.startsWith("The arguments for 'get_ticket' are invalid: ");
	}

	@Test
	void aToolWithABadSchemaOrATakenNameStopsTheStartUp() {
		Tool broken = TestTools.tool(new ToolDefinition("broken", "Broken", "{\"type\": 12}", Set.of(), Set.of(),
				ToolMode.READ, false, SECOND), (args) -> Mono.just(args));
		assertThatIllegalArgumentException().isThrownBy(() -> new DefaultToolRegistry(List.of(broken)))
			.withMessageContaining("tool broken");
		Tool notJson = TestTools.tool(new ToolDefinition("not_json", "Not JSON", "{type", Set.of(), Set.of(),
				ToolMode.READ, false, SECOND), (args) -> Mono.just(args));
		assertThatIllegalArgumentException().isThrownBy(() -> new DefaultToolRegistry(List.of(notJson)))
			.withMessageContaining("The argument schema of tool not_json is not JSON");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DefaultToolRegistry(List.of(this.getTicket, this.getTicket)))
			.withMessage("Two tools are named get_ticket");
	}

	@Test
	void aToolDefinitionRefusesNamesTheModelCannotCall() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestTools.definition("get ticket", Set.of(), Set.of(), SECOND))
			.withMessageContaining("letters, digits");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TestTools.definition("get_ticket", Set.of(), Set.of(), Duration.ZERO))
			.withMessageContaining("positive timeout");
	}

	@Test
	void toolsOfADynamicSourceJoinAndLeaveThroughTheSameGate() {
		Tool lookup = TestTools.tool(TestTools.definition("desk_lookup", Set.of("chat"), Set.of(), SECOND),
				(args) -> Mono.just(args));
		this.registry.replace("MCP server 'desk'", List.of(lookup));
		assertThat(this.registry.offeredTo(this.agent)).extracting(ToolDefinition::name)
			.containsExactly("desk_lookup", "get_ticket");
		assertThat(this.registry.check(this.agent, "desk_lookup", "{\"id\": 7}")).isInstanceOf(ToolVerdict.Invalid.class);
		assertThat(this.registry.check(TestTools.person(Set.of(Role.AGENT), Set.of()), "desk_lookup", "{\"id\": \"T-7\"}"))
			.isInstanceOf(ToolVerdict.Denied.class);
		assertThat(this.registry.check(this.agent, "desk_lookup", "{\"id\": \"T-7\"}")).isInstanceOf(ToolVerdict.Allowed.class);

		this.registry.replace("MCP server 'desk'", List.of());
		assertThat(this.registry.offeredTo(this.agent)).extracting(ToolDefinition::name).containsExactly("get_ticket");
		assertThat(this.registry.check(this.agent, "desk_lookup", "{\"id\": \"T-7\"}"))
			.isInstanceOf(ToolVerdict.Unknown.class);
	}

	@Test
	void aDynamicToolWithABadSchemaOrATakenNameIsLeftOutAndTheRestStay() {
		Tool broken = TestTools.tool(new ToolDefinition("desk_broken", "Broken", "{\"type\": 12}", Set.of("chat"),
				Set.of(), ToolMode.READ, false, SECOND), (args) -> Mono.just(args));
		Tool shadow = TestTools.tool(TestTools.definition("get_ticket", Set.of(), Set.of(), SECOND),
				(args) -> Mono.just(args));
		Tool fine = TestTools.tool(TestTools.definition("desk_fine", Set.of("chat"), Set.of(), SECOND),
				(args) -> Mono.just(args));
		this.registry.replace("MCP server 'desk'", List.of(broken, shadow, fine, fine));
		assertThat(this.registry.offeredTo(this.agent)).extracting(ToolDefinition::name)
			.containsExactly("desk_fine", "get_ticket");
		assertThat(((ToolVerdict.Allowed) this.registry.check(this.agent, "get_ticket", "{\"id\": \"T-1\"}")).tool())
			.as("a source cannot take over a built-in tool's name")
			.isSameAs(this.getTicket);

		Tool other = TestTools.tool(TestTools.definition("desk_fine", Set.of(), Set.of(), SECOND), (args) -> Mono.just(args));
		this.registry.replace("MCP server 'other'", List.of(other));
		assertThat(((ToolVerdict.Allowed) this.registry.check(this.agent, "desk_fine", "{\"id\": \"T-1\"}")).tool())
			.as("nor another source's")
			.isSameAs(fine);
		this.registry.replace("MCP server 'desk'", List.of());
		this.registry.replace("MCP server 'other'", List.of(other));
		assertThat(((ToolVerdict.Allowed) this.registry.check(this.agent, "desk_fine", "{\"id\": \"T-1\"}")).tool())
			.isSameAs(other);
	}

	@Test
	void aDraft07SchemaAsManyMcpServersWriteThemIsAccepted() {
		Tool drafted = TestTools.tool(new ToolDefinition("desk_search", "Search", """
				{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
				 "properties": {"query": {"type": "string", "minLength": 1}}, "required": ["query"],
				 "additionalProperties": false}""", Set.of("chat"), Set.of(), ToolMode.READ, false, SECOND),
				(args) -> Mono.just(args));
		this.registry.replace("MCP server 'desk'", List.of(drafted));
		assertThat(this.registry.check(this.agent, "desk_search", "{\"query\": \"refunds\"}"))
			.isInstanceOf(ToolVerdict.Allowed.class);
		assertThat(this.registry.check(this.agent, "desk_search", "{\"query\": \"\"}")).isInstanceOf(ToolVerdict.Invalid.class);
	}

	private List<String> invalid(String arguments) {
		ToolVerdict verdict = this.registry.check(this.agent, "get_ticket", arguments);
		assertThat(verdict).isInstanceOf(ToolVerdict.Invalid.class);
		return ((ToolVerdict.Invalid) verdict).errors();
	}

}
