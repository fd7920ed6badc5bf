package dev.enclave.inference.internal.toolcalls;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParsedToolCallTests {

	private static final ParsedToolCall CALL = new ParsedToolCall("call_a", "get_ticket", "{}");

	private static final MalformedToolCall BROKEN = new MalformedToolCall("<tool_call>", "unterminated");

	@Test
	void emptyMeansNothingToEmit() {
		assertThat(Parsed.EMPTY.isEmpty()).isTrue();
		assertThat(new Parsed("", List.of(), List.of(BROKEN)).isEmpty()).isFalse();
		assertThat(new Parsed("x", List.of(), List.of()).isEmpty()).isFalse();
	}

	@Test
	void stepsJoinInOrder() {
		Parsed first = new Parsed("a", List.of(CALL), List.of());
		Parsed second = new Parsed("b", List.of(CALL), List.of(BROKEN));
		assertThat(first.then(Parsed.EMPTY)).isSameAs(first);
		assertThat(first.then(second)).isEqualTo(new Parsed("ab", List.of(CALL, CALL), List.of(BROKEN)));
	}

	@Test
	void theListsCannotBeChangedAfterwards() {
		List<ParsedToolCall> calls = new ArrayList<>(List.of(CALL));
		Parsed parsed = new Parsed("", calls, List.of());
		calls.clear();
		assertThat(parsed.toolCalls()).containsExactly(CALL);
	}

}
