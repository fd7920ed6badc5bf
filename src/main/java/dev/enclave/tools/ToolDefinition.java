package dev.enclave.tools;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

import dev.enclave.identity.Role;

/**
 * What the model is told about a tool, and what Enclave enforces around it whatever the model
 * says.
 *
 * @param name the name the model calls it by ({@code [a-zA-Z0-9_-]{1,64}}, OpenAI's rule)
 * @param description what it does, for the model
 * @param argumentsSchema the JSON Schema its arguments must satisfy, as JSON text
 * @param requiredScopes scopes the end user must all hold
 * @param allowedRoles roles of which the end user must hold one; empty for any role
 * @param mode read or write
 * @param requiresApproval whether a person must approve each call before it runs
 * @param timeout how long one call may take
 * @param approverRoles roles whose holders in the tenant may approve or reject a call
 * besides the conversation's owner; empty for the owner alone
 */
public record ToolDefinition(String name, String description, String argumentsSchema, Set<String> requiredScopes,
		Set<Role> allowedRoles, ToolMode mode, boolean requiresApproval, Duration timeout, Set<Role> approverRoles) {

	private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

	public ToolDefinition {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("A tool name is 1 to 64 letters, digits, '_' or '-', not '" + name + "'");
		}
		if (description.isBlank()) {
			throw new IllegalArgumentException("Tool " + name + " needs a description: the model chooses by it");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("Tool " + name + " needs a positive timeout");
		}
		requiredScopes = Set.copyOf(requiredScopes);
		allowedRoles = Set.copyOf(allowedRoles);
		approverRoles = Set.copyOf(approverRoles);
	}

	/** A tool whose calls, when they need approval, only the conversation's owner approves. */
	public ToolDefinition(String name, String description, String argumentsSchema, Set<String> requiredScopes,
			Set<Role> allowedRoles, ToolMode mode, boolean requiresApproval, Duration timeout) {
		this(name, description, argumentsSchema, requiredScopes, allowedRoles, mode, requiresApproval, timeout, Set.of());
	}

}
