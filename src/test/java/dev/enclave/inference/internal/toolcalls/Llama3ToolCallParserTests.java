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

class Llama3ToolCallParserTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search_tickets", "list_queues");

	private static final Supplier<ToolCallParser> PARSERS = () -> ToolCallFormat.LLAMA3.newParser(TOOLS);

	@Test
	void aJsonObjectWithNameAndParametersIsACall() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("llama3-call.txt"));
		assertThat(outcome).isEqualTo(new Outcome("", List.of(new Call("get_ticket", "{\"id\":\"T-1\"}")), List.of()));
	}

	@Test
	void thePythonTagIsNotContent() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("llama3-python-tag.txt"));
		assertThat(outcome).isEqualTo(new Outcome("",
				List.of(new Call("search_tickets", "{\"query\":\"printer on fire\",\"limit\":5}")), List.of()));
	}

	@Test
	void aJsonAnswerThatIsNotACallIsContent() {
		String text = fixture("llama3-plain-json-looking-answer.txt");
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void invalidJsonThatReadsAsACallIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, fixture("llama3-malformed.txt"));
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.calls()).isEmpty();
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo("{\"name\": \"get_ticket\", \"parameters\": {\"id\": T-1}}");
			assertThat(malformed.reason()).startsWith("not valid JSON: ");
		});
	}

	@Test
	void callsSeparatedBySemicolonsAndTheFunctionTypeKeyAreAccepted() {
		Outcome outcome = parseEveryWay(PARSERS, "{\"type\": \"function\", \"name\": \"get_ticket\", \"parameters\": "
				+ "{\"id\": \"T-1\"}}; {\"name\": \"list_queues\"}; {\"name\": \"search_tickets\", \"arguments\": {}}");
		assertThat(outcome).isEqualTo(new Outcome("", List.of(new Call("get_ticket", "{\"id\":\"T-1\"}"),
				new Call("list_queues", "{}"), new Call("search_tickets", "{}")), List.of()));
	}

	@Test
	void proseIsContentAtOnce() {
		ToolCallParser parser = PARSERS.get();
		assertThat(parser.feed("Sure").content()).isEqualTo("Sure");
		String more = ", {\"name\": \"get_ticket\"} is";
		assertThat(parser.feed(more).content()).isEqualTo(more);
		assertThat(parser.finish()).isEqualTo(Parsed.EMPTY);
	}

	@Test
	void braceFollowedByProseIsContentBeforeTheBraceCloses() {
		ToolCallParser parser = PARSERS.get();
		assertThat(parser.feed(" {").content()).isEmpty();
		assertThat(parser.feed("curly braces} delimit blocks").content()).isEqualTo(" {curly braces} delimit blocks");
	}

	@Test
	void aCallCutOffByTheEndOfTheGenerationIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, "{\"name\": \"get_ticket\", \"parameters\": {\"id\": \"T-");
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.malformed()).singleElement()
			.satisfies((malformed) -> assertThat(malformed.reason()).contains("unterminated"));
	}

	@Test
	void aJsonAnswerCutOffByTheEndOfTheGenerationIsContent() {
		String text = "{\"title\": \"Ada Lovelace\", \"born\": 18";
		assertThat(parseEveryWay(PARSERS, text)).isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void afterThePythonTagEverythingIsACall() {
		Outcome builtIn = parseEveryWay(PARSERS, "<|python_tag|>brave_search.call(query=\"printer on fire\")");
		assertThat(builtIn.content()).isEmpty();
		assertThat(builtIn.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo("<|python_tag|>brave_search.call(query=\"printer on fire\")");
			assertThat(malformed.reason()).contains("built-in tools are not supported");
		});
		Outcome notACall = parseEveryWay(PARSERS, "<|python_tag|>{\"title\": \"x\"}");
		assertThat(notACall.content()).isEmpty();
		assertThat(notACall.malformed()).extracting(MalformedToolCall::reason)
			.containsExactly("missing \"name\": the tool's name as a string");
	}

	@Test
	void aCallToAnUndeclaredToolIsMalformed() {
		Outcome outcome = parseEveryWay(PARSERS, "{\"name\": \"drop_tables\", \"parameters\": {}}");
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.malformed()).extracting(MalformedToolCall::reason).singleElement()
			.satisfies((reason) -> assertThat(reason).startsWith("unknown tool \"drop_tables\""));
	}

	@Test
	void withoutDeclaredToolsAJsonAnswerIsContent() {
		String text = fixture("llama3-call.txt");
		assertThat(agreeEveryWay(() -> ToolCallFormat.LLAMA3.newParser(Set.of()), text))
			.isEqualTo(new Outcome(text, List.of(), List.of()));
	}

	@Test
	void aCallLongerThanTheBoundIsMalformedAndParsingGoesOn() {
		String tooLong = "{\"name\": \"get_ticket\", \"parameters\": {\"id\": \"" + "}".repeat(100) + "\"}}";
		Outcome outcome = parseEveryWay(() -> new Llama3Parser(new CallJson(TOOLS), 60),
				tooLong + "; {\"name\": \"get_ticket\", \"parameters\": {\"id\": \"T-1\"}}");
		assertThat(outcome.content()).isEmpty();
		assertThat(outcome.calls()).containsExactly(new Call("get_ticket", "{\"id\":\"T-1\"}"));
		assertThat(outcome.malformed()).singleElement().satisfies((malformed) -> {
			assertThat(malformed.text()).isEqualTo(tooLong.substring(0, 60));
			assertThat(malformed.reason()).contains("longer than 60 characters");
		});
	}

	@Test
	void aLongJsonAnswerIsContentOnceItOutgrowsTheBound() {
		String text = "{\"title\": \"" + "a".repeat(100) + "\"} and more";
		assertThat(parseEveryWay(() -> new Llama3Parser(new CallJson(TOOLS), 60), text))
			.isEqualTo(new Outcome(text, List.of(), List.of()));
	}

}
