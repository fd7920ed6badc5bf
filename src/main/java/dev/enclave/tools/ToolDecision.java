package dev.enclave.tools;

/**
 * A person's decision on a call awaiting approval, and what came of it.
 *
 * @param call the call as now recorded: its status, approver, arguments and result
 * @param outcome what the model is told of it
 */
public record ToolDecision(ToolInvocation call, ToolOutcome outcome) {
}
