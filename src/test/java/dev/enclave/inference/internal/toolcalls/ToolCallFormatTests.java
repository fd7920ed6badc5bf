package dev.enclave.inference.internal.toolcalls;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallFormatTests {

	@Test
	void theModelTypesOfTheDecodersMapToTheirFormats() {
		assertThat(ToolCallFormat.forArchitecture("chatglm")).contains(ToolCallFormat.GLM4);
		assertThat(ToolCallFormat.forArchitecture("glm4")).contains(ToolCallFormat.GLM4);
		assertThat(ToolCallFormat.forArchitecture("qwen2")).contains(ToolCallFormat.HERMES);
		assertThat(ToolCallFormat.forArchitecture("llama")).contains(ToolCallFormat.LLAMA3);
		assertThat(ToolCallFormat.forArchitecture("LLaMA")).contains(ToolCallFormat.LLAMA3);
	}

	@Test
	void otherModelTypesHaveNoFormat() {
		assertThat(ToolCallFormat.forArchitecture("mistral")).isEqualTo(Optional.empty());
		assertThat(ToolCallFormat.forArchitecture("qwen2_moe")).isEmpty();
		assertThat(ToolCallFormat.forArchitecture("")).isEmpty();
	}

	@Test
	void eachFormatParsesItsOwnMarkupOnly() {
		Set<String> tools = Set.of("get_ticket");
		String hermes = "<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {}}\n</tool_call>";
		String glm4 = "get_ticket\n{}";
		String llama3 = "{\"name\": \"get_ticket\", \"parameters\": {}}";
		assertThat(calls(ToolCallFormat.HERMES.newParser(tools), hermes)).isOne();
		assertThat(calls(ToolCallFormat.HERMES.newParser(tools), glm4)).isZero();
		assertThat(calls(ToolCallFormat.GLM4.newParser(tools), glm4)).isOne();
		assertThat(calls(ToolCallFormat.GLM4.newParser(tools), llama3)).isZero();
		assertThat(calls(ToolCallFormat.LLAMA3.newParser(tools), llama3)).isOne();
		assertThat(calls(ToolCallFormat.LLAMA3.newParser(tools), glm4)).isZero();
	}

	private static int calls(ToolCallParser parser, String text) {
		return parser.feed(text).then(parser.finish()).toolCalls().size();
	}

}
