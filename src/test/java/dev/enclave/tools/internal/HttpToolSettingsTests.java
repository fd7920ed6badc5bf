package dev.enclave.tools.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.identity.Role;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTP tool's policy, as configured, is the policy its definition carries. */
class HttpToolSettingsTests {

	@Test
	void aWriteWaitsForApprovalByDefaultAndNamesWhoMayDecide() {
		ToolDefinition definition = tool(ToolMode.WRITE, null, Set.of(Role.ADMIN)).definition();
		assertThat(definition.requiresApproval()).isTrue();
		assertThat(definition.approverRoles()).containsExactly(Role.ADMIN);
	}

	@Test
	void aReadRunsWithoutApprovalAndOnlyTheOwnerDecidesWhenNoRoleIsNamed() {
		ToolDefinition definition = tool(ToolMode.READ, null, Set.of()).definition();
		assertThat(definition.requiresApproval()).isFalse();
		assertThat(definition.approverRoles()).isEmpty();
		assertThat(tool(ToolMode.READ, true, Set.of()).definition().requiresApproval()).isTrue();
	}

	private static ToolsSettings.HttpTool tool(ToolMode mode, Boolean requiresApproval, Set<Role> approvers) {
		return new ToolsSettings.HttpTool("refund_order", "Refund an order", null, "https://orders.corp.example/refund",
				null, Map.of(), List.of(), Duration.ofSeconds(5), Set.of("chat"), Set.of(), mode, requiresApproval,
				approvers);
	}

}
