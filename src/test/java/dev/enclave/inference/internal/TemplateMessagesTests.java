package dev.enclave.inference.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.tool.function.FunctionToolCallback;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation with tools, a call and its result, rendered by the real templates the way
 * each model was trained to read it: GLM-4 sees the tools in its system turn, its call as
 * the tool's name on the assistant's metadata line with the arguments under it, and the
 * result as an observation; Llama 3 one call per message; Qwen2's template takes OpenAI's
 * shape as it is.
 */
class TemplateMessagesTests {

	private static final List<Message> CONVERSATION = List.of(new UserMessage("Weather in Paris?"),
			AssistantMessage.builder()
				.content("")
				.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_weather",
						"{\"city\":\"Paris\",\"units\":\"°C\"}")))
				.build(),
			ToolResponseMessage.builder()
				.responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "get_weather", "{\"temp\": 21}")))
				.build());

	private static final List<Map<String, Object>> TOOLS = ChatMessages.declaredTools(InferenceChatOptions.builder()
		.toolCallbacks(FunctionToolCallback.builder("get_weather", (String city) -> "sunny")
			.description("Current weather")
			.inputType(String.class)
			.inputSchema("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}")
			.build())
		.build());

	private static final String GLM4_TOOLS = """
			[gMASK]<sop><|system|>
			你是一个名为 GLM-4 的人工智能助手。你是基于智谱AI训练的语言模型 GLM-4 模型开发的，你的任务是针对用户的问题和要求提供适当的答复和支持。

			# 可用工具
			## get_weather

			{
			    "name": "get_weather",
			    "description": "Current weather",
			    "parameters": {
			        "type": "object",
			        "properties": {
			            "city": {
			                "type": "string"
			            }
			        }
			    }
			}
			在调用上述函数时，请使用 Json 格式表示调用的参数。""";

	@Test
	void glm4SeesToolsCallsAndResultsInItsOwnShape() {
		assertThat(render("glm-4-chat", ToolCallFormat.GLM4, CONVERSATION)).isEqualTo(GLM4_TOOLS + """
				<|user|>
				Weather in Paris?<|assistant|>get_weather
				{"city": "Paris", "units": "°C"}<|observation|>
				{"temp": 21}<|assistant|>""");
	}

	@Test
	void glm4ShowsTheToolsBeforeASystemPromptAndKeepsTextBesideACall() {
		List<Message> conversation = List.of(new SystemMessage("Be brief."), new UserMessage("Weather in Paris?"),
				AssistantMessage.builder()
					.content("Let me check.")
					.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_weather", "{}"),
							new AssistantMessage.ToolCall("call_2", "function", "get_weather", "not json")))
					.build());
		assertThat(render("glm-4-chat", ToolCallFormat.GLM4, conversation)).isEqualTo(GLM4_TOOLS + """
				<|system|>
				Be brief.<|user|>
				Weather in Paris?<|assistant|>
				Let me check.<|assistant|>get_weather
				{}<|assistant|>get_weather
				not json<|assistant|>""");
	}

	@Test
	void llama3GetsOneCallPerAssistantMessage() {
		// As Llama 3.1's template checks it.
		ChatTemplate template = new ChatTemplate("{% for m in messages %}{% if 'tool_calls' in m %}"
				+ "{% if not m.tool_calls|length == 1 %}{{ raise_exception('One call at once!') }}{% endif %}"
				+ "{{ m.content }}{{ m.tool_calls[0].function.name }}{{ m.tool_calls[0].function.arguments | tojson }}|"
				+ "{% else %}{{ m.role }}|{% endif %}{% endfor %}", Map.of(), Clock.systemUTC());
		List<Message> conversation = List.of(new UserMessage("Two tickets?"),
				AssistantMessage.builder()
					.content("Both: ")
					.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_ticket", "{\"id\":1}"),
							new AssistantMessage.ToolCall("call_2", "function", "get_ticket", "{\"id\":2}")))
					.build());
		assertThat(template.render(TemplateMessages.of(ToolCallFormat.LLAMA3, ChatMessages.messages(conversation), TOOLS),
				TOOLS, false)).isEqualTo("user|Both: get_ticket{\"id\": 1}|get_ticket{\"id\": 2}|");
		List<Map<String, Object>> messages = ChatMessages.messages(CONVERSATION);
		assertThat(TemplateMessages.of(ToolCallFormat.LLAMA3, messages, TOOLS)).isSameAs(messages);
	}

	@Test
	void otherFormatsKeepOpenAisShape() {
		List<Map<String, Object>> messages = ChatMessages.messages(CONVERSATION);
		assertThat(TemplateMessages.of(ToolCallFormat.HERMES, messages, TOOLS)).isSameAs(messages);
		assertThat(TemplateMessages.of(null, messages, TOOLS)).isSameAs(messages);
		assertThat(render("qwen2.5-instruct", ToolCallFormat.HERMES, CONVERSATION)).contains("""
				<|im_start|>assistant
				<tool_call>
				{"name": "get_weather", "arguments": {"city": "Paris", "units": "°C"}}
				</tool_call><|im_end|>
				<|im_start|>user
				<tool_response>
				{"temp": 21}
				</tool_response><|im_end|>
				<|im_start|>assistant
				""");
	}

	private static String render(String template, ToolCallFormat format, List<Message> conversation) {
		return template(template).render(TemplateMessages.of(format, ChatMessages.messages(conversation), TOOLS), TOOLS,
				true);
	}

	private static ChatTemplate template(String name) {
		try (InputStream in = TemplateMessagesTests.class.getResourceAsStream("/chat-templates/" + name + ".jinja")) {
			return new ChatTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.of(), Clock.systemUTC());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
