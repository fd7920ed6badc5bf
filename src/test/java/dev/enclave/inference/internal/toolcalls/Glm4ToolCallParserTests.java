package dev.enclave.inference.internal.toolcalls;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.enclave.inference.internal.toolcalls.Feeding.Call;
import dev.enclave.inference.internal.toolcalls.Feeding.Outcome;
import org.junit.jupiter.api.Test;

import static dev.enclave.inference.internal.toolcalls.Feeding.agreeEveryWay;
import static dev.enclave.inference.internal.toolcalls.Feeding.fixture;
import static dev.enclave.inference.internal.toolcalls.Feeding.parseEveryWay;
import static org.assertj.core.api.Assertions.assertThat;

class Glm4ToolCallParserTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search");

	private static final Supplier<ToolCallParser> PARSERS = () -> ToolCallFormat.GLM4.newParser(TOOLS);

	@Test
	void aDeclaredNameOnTheFirstLineAndJsonAfterItIsACall() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("glm4-call.txt"));
		assertThat(outcome).isEqualTo(new Outcome("",
				List.of(new Call("get_ticket", "{\"id\":\"T-1\",\"include_history\":true}")), List.of()));
	}

	@Test
	void anAnswerWhoseFirstWordIsAToolNameIsContent() {
		String text = fixture("glm4-plain-answer-starting-with-a-word.txt");
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void invalidArgumentsAreMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("glm4-malformed.txt"));
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.calls()).isEmpty();
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo("get_ticket\n{\"id\": T-1}");
			assertThat(malformed.reason()).startsWith("the arguments are not valid JSON: ");
		});
	}

	@Test
	void aPlainAnswerStartsWithTheNewlineOfAnEmptyMetadataLineWhichIsNotContent() {
		String text = "\nTicket T-1 is closed.\nget_ticket\n{\"id\": \"T-1\"} would show it again.\n";
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text.substring(1), List.of(), List.of()));
	}

	@Test
	void aToolNameAloneOnTheFirstLineIsContentUnlessJsonFollows() {
		String text = "search\nis what I would do next.";
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
		assertThat(parseEveryWay(PARSERS, "search")).isEqualTo(new Outcome("search", List.of(), List.of()));
	}

	@Test
	void anArgumentsObjectCutOffIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, "search\n{\"query\": \"printer");
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo("search\n{\"query\": \"printer");
			assertThat(malformed.reason()).contains("unterminated");
		});
	}

	@Test
	void onlyAnObjectAfterTheNameMakesACall() {
		String text = "search\n[\"printer\"]";
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void callsFollowingEachOtherAreAllParsedAndTrailingTextIsContent() {
		Outcome outcome = parseEveryWay(PARSERS,
				"get_ticket\n{\"id\": \"T-1\"}get_ticket\n{\"id\": \"T-2\"}\n\nsearch\n{\"query\": \"x {y}\"}\nDone.");
		assertThat(outcome).isEqualTo(new Outcome("Done.", List.of(new Call("get_ticket", "{\"id\":\"T-1\"}"),
				new Call("get_ticket", "{\"id\":\"T-2\"}"), new Call("search", "{\"query\":\"x {y}\"}")), List.of()));
	}

	@Test
	void withoutDeclaredToolsEverythingIsContent() {
		String text = fixture("glm4-call.txt");
		assertThat(agreeEveryWay(() -> ToolCallFormat.GLM4.newParser(Set.of()), text))
			.isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void contentIsLetOutAsSoonAsTheFirstLineCannotBeAToolName() {
		ToolCallParser parser = PARSERS.get();
		assertThat(parser.feed("sea").content()).isEmpty();
		assertThat(parser.feed("shells are").content()).isEqualTo("seashells are");
		assertThat(parser.feed(" pretty").content()).isEqualTo(" pretty");
	}

	@Test
	void aCallLongerThanTheBoundIsMalformedAndParsingGoesOn() {
		String tooLong = "search\n{\"query\": \"" + "{".repeat(100) + "\"}";
		Outcome outcome = parseEveryWay(() -> new Glm4Parser(new CallJson(TOOLS), 40),
				tooLong + "get_ticket\n{\"id\": \"T-1\"}\nBye.");
		assertThat(outcome.content()).isEqualTo("Bye.");
		assertThat(outcome.calls()).containsExactly(new Call("get_ticket", "{\"id\":\"T-1\"}"));
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo(tooLong.substring(0, 40));
			assertThat(malformed.reason()).contains("longer than 40 characters");
		});
	}

}
