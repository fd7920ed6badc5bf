package dev.enclave.tools;

import reactor.core.publisher.Mono;

/**
 * Runs the calls the registry allowed, each within its timeout and behind its circuit
 * breaker, and words every outcome (refusals included) for the model.
 */
public interface ToolExecutor {

	/** Runs an allowed call; never errors: a failure is an outcome the model is told. */
	Mono<ToolOutcome> run(ToolVerdict.Allowed call, ToolCallContext context);

	/** The outcome of a call that may not run. */
	ToolOutcome refused(ToolVerdict verdict);

	/**
	 * The outcome of an allowed call that still may not run here (one that needs a person's
	 * approval where nobody can give it), told to the model in {@code message}.
	 */
	ToolOutcome refused(String name, ToolCallStatus status, String message);

}
