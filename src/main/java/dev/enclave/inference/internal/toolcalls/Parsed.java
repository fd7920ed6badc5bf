package dev.enclave.inference.internal.toolcalls;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ToolCallParser} lets out at one step.
 *
 * @param content text that is certainly not part of a tool call, possibly empty
 * @param toolCalls calls completed at this step, in the order generated
 * @param malformed calls that were attempted but could not be parsed
 */
public record Parsed(String content, List<ParsedToolCall> toolCalls, List<MalformedToolCall> malformed) {

	public static final Parsed EMPTY = new Parsed("", List.of(), List.of());

	public Parsed {
		toolCalls = List.copyOf(toolCalls);
		malformed = List.copyOf(malformed);
	}

	public boolean isEmpty() {
		return this.content.isEmpty() && this.toolCalls.isEmpty() && this.malformed.isEmpty();
	}

	/** This step followed by {@code next}, for a caller that wants the whole generation at once. */
	public Parsed then(Parsed next) {
		if (next.isEmpty()) {
			return this;
		}
		List<ParsedToolCall> calls = new ArrayList<>(this.toolCalls);
		calls.addAll(next.toolCalls);
		List<MalformedToolCall> broken = new ArrayList<>(this.malformed);
		broken.addAll(next.malformed);
		return new Parsed(this.content + next.content, calls, broken);
	}

}
