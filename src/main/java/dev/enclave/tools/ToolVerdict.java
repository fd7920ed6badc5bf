package dev.enclave.tools;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What Enclave decides about one tool call the model proposed, before anything runs. Only
 * {@link Allowed} may run; every other verdict goes back to the model as a tool error, so a
 * prompt injection cannot talk its way past it.
 */
public sealed interface ToolVerdict {

	/** The tool the model named. */
	String name();

	/** The text the model is told when the call may not run. */
	String message();

	/** The call may run (after approval, if the tool requires it). */
	record Allowed(Tool tool, JsonNode arguments) implements ToolVerdict {

		@Override
		public String name() {
			return this.tool.definition().name();
		}

		@Override
		public String message() {
			return "allowed";
		}

	}

	/** No such tool is offered to this caller. */
	record Unknown(String name) implements ToolVerdict {

		@Override
		public String message() {
			return "There is no tool named '" + this.name + "'.";
		}

	}

	/** The end user may not use this tool; said without naming what is missing. */
	record Denied(String name) implements ToolVerdict {

		@Override
		public String message() {
			return "The user is not permitted to use the tool '" + this.name + "'.";
		}

	}

	/** The arguments do not satisfy the tool's schema. */
	record Invalid(String name, List<String> errors) implements ToolVerdict {

		public Invalid {
			errors = List.copyOf(errors);
		}

		@Override
		public String message() {
			return "The arguments for '" + this.name + "' are invalid: " + String.join("; ", this.errors);
		}

	}

}
