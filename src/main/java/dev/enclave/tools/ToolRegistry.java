package dev.enclave.tools;

import java.util.List;

import dev.enclave.identity.Principal;

/**
 * The tools Enclave offers, and the gate every proposed call passes: known tool, the end
 * user's permissions, arguments valid against the tool's schema. The gate is outside the
 * model, so no prompt, and no text a tool returned, can widen what a call may do.
 */
public interface ToolRegistry {

	/** The tools this person may use, in a stable order: only these are shown to the model. */
	List<ToolDefinition> offeredTo(Principal principal);

	/**
	 * Decides whether a call the model proposed may run.
	 * @param argumentsJson the arguments exactly as the model wrote them
	 */
	ToolVerdict check(Principal principal, String name, String argumentsJson);

	/** A tool's definition by name, whoever asks; null when there is no such tool. */
	@org.jspecify.annotations.Nullable ToolDefinition definition(String name);

}
