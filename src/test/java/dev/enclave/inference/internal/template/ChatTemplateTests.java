package dev.enclave.inference.internal.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Real chat templates of the checkpoints Enclave targets (as their tokenizer_config.json
 * ships them; GLM-4's with its browser and image-tool branches left out), rendered to the
 * exact text Hugging Face's {@code apply_chat_template} produces.
 */
class ChatTemplateTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC);

	@Test
	void llama3() {
		String prompt = template("llama-3-instruct", Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"))
			.render(List.of(message("system", "You are helpful. "), message("user", "Hi")), List.of(), true);
		assertThat(prompt).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful."
				+ "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
				+ "<|start_header_id|>assistant<|end_header_id|>\n\n");
	}

	@Test
	void qwenWithoutTools() {
		String prompt = template("qwen2.5-instruct", Map.of("eos_token", "<|im_end|>"))
			.render(List.of(message("user", "你好")), List.of(), true);
		assertThat(prompt).isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
				+ "assistant.<|im_end|>\n<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n");
	}

	@Test
	void qwenWithToolsToolCallsAndToolResults() {
		Map<String, Object> call = Map.of("id", "call_1", "type", "function", "function",
				Map.of("name", "get_weather", "arguments", Map.of("city", "Paris")));
		Map<String, Object> assistant = new LinkedHashMap<>(message("assistant", ""));
		assistant.put("tool_calls", List.of(call));
		Map<String, Object> result = new LinkedHashMap<>(message("tool", "{\"temp\": 21}"));
		result.put("tool_call_id", "call_1");
		String prompt = template("qwen2.5-instruct", Map.of()).render(
				List.of(message("system", "Be brief."), message("user", "Weather in Paris?"), assistant, result),
				List.of(weatherTool("Current weather")), true);
		assertThat(prompt).isEqualTo("""
				<|im_start|>system
				Be brief.

				# Tools

				You may call one or more functions to assist with the user query.

				You are provided with function signatures within <tools></tools> XML tags:
				<tools>
				{"type": "function", "function": {"name": "get_weather", "description": "Current weather", \
				"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
				</tools>

				For each function call, return a json object with function name and arguments within \
				<tool_call></tool_call> XML tags:
				<tool_call>
				{"name": <function-name>, "arguments": <args-json-object>}
				</tool_call><|im_end|>
				<|im_start|>user
				Weather in Paris?<|im_end|>
				<|im_start|>assistant
				<tool_call>
				{"name": "get_weather", "arguments": {"city": "Paris"}}
				</tool_call><|im_end|>
				<|im_start|>user
				<tool_response>
				{"temp": 21}
				</tool_response><|im_end|>
				<|im_start|>assistant
				""");
	}

	@Test
	void glm4WithToolsIndentedJsonAndChinese() {
		Map<String, Object> system = new LinkedHashMap<>(message("system", ""));
		system.put("tools", List.of(weatherTool("查询天气")));
		String prompt = template("glm-4-chat", Map.of("eos_token", "<|endoftext|>"))
			.render(List.of(system, message("user", "北京天气如何？")), List.of(), true);
		assertThat(prompt).isEqualTo("""
				[gMASK]<sop><|system|>
				你是一个名为 GLM-4 的人工智能助手。你是基于智谱AI训练的语言模型 GLM-4 模型开发的，你的任务是针对用户的问题和要求提供适当的答复和支持。

				# 可用工具
				## get_weather

				{
				    "name": "get_weather",
				    "description": "查询天气",
				    "parameters": {
				        "type": "object",
				        "properties": {
				            "city": {
				                "type": "string"
				            }
				        },
				        "required": [
				            "city"
				        ]
				    }
				}
				在调用上述函数时，请使用 Json 格式表示调用的参数。<|user|>
				北京天气如何？<|assistant|>""");
	}

	@Test
	void namespaceAssignmentsWork() {
		ChatTemplate template = template("deepseek-coder-instruct", Map.of("bos_token", "<s>", "eos_token", "<|EOT|>"));
		assertThat(template.render(List.of(message("system", "You are a helpful assistant"), message("user", "Hello")),
				List.of(), true))
			.isEqualTo("<s>You are a helpful assistant### Instruction:\nHello\n### Response:\n");
		assertThat(template.render(List.of(message("user", "Hello")), List.of(), false)).startsWith(
				"<s>You are an AI programming assistant").endsWith("### Instruction:\nHello\n");
	}

	@Test
	void raiseExceptionRefusesTheConversationWithTheTemplatesMessage() {
		ChatTemplate template = template("mistral-instruct-v0.2", Map.of("bos_token", "<s>", "eos_token", "</s>"));
		assertThat(template.render(List.of(message("user", "a"), message("assistant", "b"), message("user", "c")),
				List.of(), true))
			.isEqualTo("<s>[INST] a [/INST]b</s>[INST] c [/INST]");
		assertThatExceptionOfType(ChatTemplateException.class)
			.isThrownBy(() -> template.render(List.of(message("user", "a"), message("user", "secret")), List.of(), true))
			.withMessage("Conversation roles must alternate user/assistant/user/assistant/...")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("secret"));
	}

	@Test
	void pythonStringAndDictMethodsAndGlobals() {
		ChatTemplate template = new ChatTemplate("{{ messages[0].content.strip().startswith('Hi') }}|"
				+ "{{ messages[0].content.upper().strip() }}|{{ 'a,b'.split(',') | join('+') }}|"
				+ "{% for k, v in messages[0].items() %}{{ k }}{% endfor %}|{{ messages[0].get('missing', 'none') }}|"
				+ "{{ strftime_now('%d %b %Y') }}|{{ 'x' ~ (1 + 2 * 3) }}|{{ not undefined_thing is defined }}|"
				+ "{{ not messages is defined }}", Map.of(), CLOCK);
		assertThat(template.render(List.of(message("user", "  Hi there ")), List.of(), true))
			.isEqualTo("true|HI THERE|a+b|rolecontent|none|23 Nov 2026|x7|true|false");
	}

	@Test
	void notTakesTheWholeComparisonAsInJinja() {
		// Llama 3.1's template checks a call message this way; Jinjava alone read it as
		// (not calls|length) == 1 and failed to compare a boolean with a number.
		ChatTemplate template = new ChatTemplate("{{ not messages|length == 1 }}|{{ not messages|length == 2 }}|"
				+ "{{ not messages[0].role == 'tool' }}|{{ not messages[0].role == 'user' and true }}|"
				+ "{{ true and not 1 > 2 }}|{{ not not messages }}|{{ not (1 == 1) }}|{{ not missing is defined }}|"
				+ "{{ 'a' if not messages[0].role != 'user' else 'b' }}", Map.of(), CLOCK);
		assertThat(template.render(List.of(message("user", "Hi")), List.of(), false))
			.isEqualTo("false|true|true|false|true|true|false|true|a");
	}

	@Test
	void tojsonWritesWhatPythonWrites() {
		ChatTemplate template = new ChatTemplate("{{ tools | tojson }}", Map.of(), CLOCK);
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("s", "引号\"\n");
		value.put("n", 1.5);
		value.put("i", 3);
		value.put("b", true);
		value.put("z", null);
		value.put("e", List.of());
		assertThat(template.render(List.of(), List.of(value), false))
			.isEqualTo("[{\"s\": \"引号\\\"\\n\", \"n\": 1.5, \"i\": 3, \"b\": true, \"z\": null, \"e\": []}]");
		assertThat(PythonJson.pythonFloat(1.0)).isEqualTo("1.0");
		assertThat(PythonJson.pythonFloat(1e-5)).isEqualTo("1e-05");
		assertThat(PythonJson.pythonFloat(123456.789)).isEqualTo("123456.789");
	}

	private static Map<String, Object> weatherTool(String description) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		parameters.put("type", "object");
		parameters.put("properties", Map.of("city", Map.of("type", "string")));
		parameters.put("required", List.of("city"));
		Map<String, Object> function = new LinkedHashMap<>();
		function.put("name", "get_weather");
		function.put("description", description);
		function.put("parameters", parameters);
		Map<String, Object> tool = new LinkedHashMap<>();
		tool.put("type", "function");
		tool.put("function", function);
		return tool;
	}

	private static Map<String, Object> message(String role, String content) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("role", role);
		message.put("content", content);
		return message;
	}

	private static ChatTemplate template(String name, Map<String, String> tokens) {
		try (InputStream in = ChatTemplateTests.class.getResourceAsStream("/chat-templates/" + name + ".jinja")) {
			return new ChatTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8), tokens, CLOCK);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
