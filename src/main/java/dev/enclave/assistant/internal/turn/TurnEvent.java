package dev.enclave.assistant.internal.turn;

import java.util.List;

import dev.enclave.conversation.TurnOutcome;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;

/**
 * What a running turn tells its entry point: pieces of the answer (and, when Enclave runs
 * tools, each tool call it decided), then exactly one end,
 * {@link Finished} or {@link Failed}. A turn whose client went away ends with none: nobody
 * is listening, and it is settled all the same.
 *
 * @param <E> what the turn's storage handed back when it ended
 */
public sealed interface TurnEvent<E> {

	/**
	 * A piece of the answer: text, pieces of tool calls, or fields the model server sent that
	 * Enclave passes on (at least one of them).
	 */
	record Delta<E>(String text, List<ToolCallDelta> toolCalls, PassthroughFields passthrough) implements TurnEvent<E> {

		public Delta {
			toolCalls = List.copyOf(toolCalls);
		}

		/** A piece of text alone. */
		public static <E> Delta<E> text(String text) {
			return new Delta<>(text, List.of(), PassthroughFields.NONE);
		}

	}

	/**
	 * A tool call of the loop, once Enclave decided it: run (with its status and what the
	 * model was told), refused, or held for a person's approval.
	 */
	record ToolCalled<E>(ToolRunner.Called called) implements TurnEvent<E> {
	}

	/** The answer ended on its own (stop or length) and is settled and stored. */
	record Finished<E>(TurnOutcome outcome, E stored) implements TurnEvent<E> {
	}

	/**
	 * The turn failed: the engine failed, or the answer could not be stored. It is settled
	 * with what was generated.
	 * @param failure what went wrong, for the one error mapper to translate
	 * @param answered whether any piece of the answer had been sent before it
	 */
	record Failed<E>(Throwable failure, TurnOutcome outcome, boolean answered) implements TurnEvent<E> {
	}

}
