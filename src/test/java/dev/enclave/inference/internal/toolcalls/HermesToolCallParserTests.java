package dev.enclave.inference.internal.toolcalls;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.enclave.inference.internal.toolcalls.Feeding.Call;
import dev.enclave.inference.internal.toolcalls.Feeding.Outcome;
import org.junit.jupiter.api.Test;

import static dev.enclave.inference.internal.toolcalls.Feeding.fixture;
import static dev.enclave.inference.internal.toolcalls.Feeding.parseEveryWay;
import static org.assertj.core.api.Assertions.assertThat;

class HermesToolCallParserTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search_tickets");

	private static final Supplier<ToolCallParser> PARSERS = () -> ToolCallFormat.HERMES.newParser(TOOLS);

	@Test
	void twoCallsInARow() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("hermes-two-calls.txt"));
		assertThat(outcome).isEqualTo(new Outcome("",
				List.of(new Call("get_ticket", "{\"id\":\"T-1\"}"),
						new Call("search_tickets", "{\"query\":\"printer on fire\",\"limit\":5}")),
				List.of()));
	}

	@Test
	void contentBeforeACallLosesOnlyTheWhitespaceThatSeparatesThem() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("hermes-content-then-call.txt"));
		assertThat(outcome).isEqualTo(new Outcome("Let me look that ticket up for you.",
				List.of(new Call("get_ticket", "{\"id\":\"T-42\",\"include_history\":true}")), List.of()));
	}

	@Test
	void malformedCallsAreReportedAndTheNextCallStillParses() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("hermes-malformed-json.txt"));
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.calls()).containsExactly(new Call("get_ticket", "{\"id\":\"T-2\"}"));
		assertThat(outcome.malformed()).extracting(MalformedToolCall::text)
			.containsExactly("<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\",}}\n</tool_call>",
					"<tool_call>\n{\"name\": \"search_tickets\", \"arguments\": \"printer on fire\"}\n</tool_call>");
		assertThat(outcome.malformed()).extracting(MalformedToolCall::reason)
			.satisfiesExactly((reason) -> assertThat(reason).startsWith("not valid JSON: "),
					(reason) -> assertThat(reason).isEqualTo("the arguments must be a JSON object, got string"));
	}

	@Test
	void aCallCutOffByTheEndOfTheGenerationIsMalformedNotContent() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("hermes-unterminated.txt"));
		assertThat(outcome.content()).isEqualTo("I will check the ticket.");
		assertThat(outcome.calls()).isEmpty();
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text())
				.isEqualTo("<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-");
			assertThat(malformed.reason()).contains("unterminated", "</tool_call>");
		});
	}

	@Test
	void textThatOnlyLooksLikeTheTagIsContent() {
		String text = fixture("hermes-lookalike-tag.txt");
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void aCompleteCallWhoseClosingTagNeverCameIsStillACall() {
		Outcome outcome = parseEveryWay(PARSERS,
				"<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\"}}\n</tool_");
		assertThat(outcome).isEqualTo(new Outcome("", List.of(new Call("get_ticket", "{\"id\":\"T-1\"}")), List.of()));
	}

	@Test
	void aCallToAnUndeclaredToolIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS,
				"<tool_call>\n{\"name\": \"delete_everything\", \"arguments\": {}}\n</tool_call>");
		assertThat(outcome.calls()).isEmpty();
		assertThat(outcome.malformed()).extracting(MalformedToolCall::reason)
			.containsExactly("unknown tool \"delete_everything\"; the declared tools are get_ticket, search_tickets");
	}

	@Test
	void aCallWithoutANameIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, "<tool_call>\n{\"arguments\": {\"id\": \"T-1\"}}\n</tool_call>");
		assertThat(outcome.malformed()).extracting(MalformedToolCall::reason)
			.containsExactly("missing \"name\": the tool's name as a string");
	}

	@Test
	void contentAfterTheCallsIsKept() {
		Outcome outcome = parseEveryWay(PARSERS,
				"<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\"}}\n</tool_call>\n\nDone.\n");
		assertThat(outcome).isEqualTo(
				new Outcome("Done.\n", List.of(new Call("get_ticket", "{\"id\":\"T-1\"}")), List.of()));
	}

	@Test
	void contentIsLetOutAsSoonAsItCannotBeTheTag() {
		ToolCallParser parser = PARSERS.get();
		assertThat(parser.feed("Checking <to").content()).isEqualTo("Checking");
		assertThat(parser.feed("day's").content()).isEqualTo(" <today's");
		assertThat(parser.feed(" list\n<tool_call>\n{\"name\"").isEmpty()).isFalse();
		assertThat(parser.feed(": \"get_ticket\", \"arguments\": {}}\n</tool_call>").toolCalls()).hasSize(1);
		assertThat(parser.finish()).isEqualTo(Parsed.EMPTY);
	}

	@Test
	void aCallLongerThanTheBoundIsMalformedAndParsingGoesOn() {
		String tooLong = "<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"" + "x".repeat(200)
				+ "\"}}\n</tool_call>";
		Outcome outcome = parseEveryWay(() -> new HermesParser(new CallJson(TOOLS), 100), tooLong
				+ "\n<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\"}}\n</tool_call>\nBye.");
		assertThat(outcome.content()).isEqualTo("Bye.");
		assertThat(outcome.calls()).containsExactly(new Call("get_ticket", "{\"id\":\"T-1\"}"));
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo(tooLong.substring(0, 100));
			assertThat(malformed.reason()).contains("longer than 100 characters");
		});
	}

	@Test
	void theDefaultBoundIs64KiB() {
		String huge = "<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"" + "x".repeat(70_000)
				+ "\"}}\n</tool_call>after";
		ToolCallParser parser = PARSERS.get();
		Parsed parsed = parser.feed(huge).then(parser.finish());
		assertThat(parsed.content()).isEqualTo("after");
		assertThat(parsed.toolCalls()).isEmpty();
		assertThat(parsed.malformed()).singleElement()
			.satisfies((malformed) -> assertThat(malformed.text()).hasSize(65_536));
	}

	@Test
	void eachParsedCallGetsItsOwnId() {
		ToolCallParser parser = PARSERS.get();
		Parsed parsed = parser.feed(fixture("hermes-two-calls.txt")).then(parser.finish());
		assertThat(parsed.toolCalls()).extracting(ParsedToolCall::id).doesNotHaveDuplicates().hasSize(2);
	}

}
