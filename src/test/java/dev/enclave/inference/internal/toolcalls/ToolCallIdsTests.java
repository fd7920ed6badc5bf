package dev.enclave.inference.internal.toolcalls;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallIdsTests {

	@Test
	void idsAreCallAndTwentyFourUrlSafeCharacters() {
		assertThat(ToolCallIds.next()).matches("call_[A-Za-z0-9_-]{24}");
	}

	@Test
	void idsDoNotRepeat() {
		Set<String> ids = new HashSet<>();
		IntStream.range(0, 100_000).forEach((i) -> ids.add(ToolCallIds.next()));
		assertThat(ids).hasSize(100_000);
	}

	@Test
	void callsOfSeparateParsesGetDistinctIds() {
		String call = "<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {}}\n</tool_call>";
		ToolCallParser first = ToolCallFormat.HERMES.newParser(Set.of("get_ticket"));
		ToolCallParser second = ToolCallFormat.HERMES.newParser(Set.of("get_ticket"));
		String a = first.feed(call).toolCalls().get(0).id();
		String b = second.feed(call).toolCalls().get(0).id();
		assertThat(a).isNotEqualTo(b);
	}

}
