package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.testing.TinyCheckpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.function.FunctionToolCallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A Spring AI prompt becomes a generation request, or a precise {@code invalid_request}. */
class ChatRequestsTests {

	@TempDir
	static Path directory;

	private static Checkpoint checkpoint;

	private static DecoderModel model;

	private static TextTokenizer tokenizer;

	private static DecoderModel glm4;

	@BeforeAll
	static void load() {
		TinyCheckpoints.write(directory.resolve("llama"), TinyCheckpoints.Kind.LLAMA, 2);
		checkpoint = Checkpoint.open(directory.resolve("llama"), null);
		model = DecoderModel.load("tiny", checkpoint, Device.cpu(), DataType.FLOAT32, 0);
		tokenizer = TextTokenizer.load(checkpoint.tokenizerFile());
		TinyCheckpoints.write(directory.resolve("glm4"), TinyCheckpoints.Kind.GLM4, 2);
		try (Checkpoint glm4Checkpoint = Checkpoint.open(directory.resolve("glm4"), null)) {
			glm4 = DecoderModel.load("tiny-glm4", glm4Checkpoint, Device.cpu(), DataType.FLOAT32, 0);
		}
	}

	@AfterAll
	static void close() {
		tokenizer.close();
		glm4.close();
		model.close();
		checkpoint.close();
	}

	@Test
	void rendersTheConversationWithTheModelsTemplate() {
		GenerationRequest request = ChatRequests.of(served(TinyCheckpoints.CHAT_TEMPLATE),
				new Prompt(List.of(new UserMessage("Hi"), new AssistantMessage("Yo"), new UserMessage("Go")),
						InferenceChatOptions.builder().maxTokens(5).temperature(0.5).topK(7).topP(0.9).seed(3L)
							.stopSequences(List.of("###")).build()));
		assertThat(request.prompt()).containsExactly(tokenizer.encode(
				"<|begin|><|user|>Hi<|end|><|assistant|>Yo<|end|><|user|>Go<|end|><|assistant|>"));
		assertThat(request.prompt()[0]).isEqualTo(TinyCheckpoints.BEGIN);
		assertThat(request.maxTokens()).isEqualTo(5);
		assertThat(request.sampling().temperature()).isEqualTo(0.5);
		assertThat(request.sampling().topK()).isEqualTo(7);
		assertThat(request.sampling().topP()).isEqualTo(0.9);
		assertThat(request.sampling().seed()).isEqualTo(3L);
		assertThat(request.stopStrings()).containsExactly("###");
		assertThat(request.stopTokens()).contains(TinyCheckpoints.END);
	}

	@Test
	void withoutOptionsTheAnswerMayFillTheContext() {
		GenerationRequest request = ChatRequests.of(served(TinyCheckpoints.CHAT_TEMPLATE), new Prompt("Hi"));
		assertThat(request.maxTokens()).isEqualTo(TinyCheckpoints.CONTEXT - request.prompt().length);
		assertThat(request.sampling().temperature()).isEqualTo(1.0);
	}

	@Test
	void maxTokensThatFitIsKeptAndMoreThanTheContextHoldsIsRefused() {
		ServedModel served = served(TinyCheckpoints.CHAT_TEMPLATE);
		int room = TinyCheckpoints.CONTEXT - ChatRequests.of(served, new Prompt("Hi")).prompt().length;
		assertThat(ChatRequests.of(served, new Prompt("Hi", InferenceChatOptions.builder().maxTokens(room).build()))
			.maxTokens()).isEqualTo(room);
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> ChatRequests.of(served,
					new Prompt("Hi", InferenceChatOptions.builder().maxTokens(room + 1).build())))
			.satisfies((error) -> {
				assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
				assertThat(error.param()).isEqualTo("max_tokens");
				assertThat(error.getMessage()).contains("at most " + room);
			});
	}

	@Test
	void toolsReachTheTemplate() {
		GenerationRequest request = ChatRequests.of(served("{{ tools[0].function.name }}|{{ tools[0].type }}"),
				new Prompt("Hi", InferenceChatOptions.builder().toolCallbacks(weather()).build()));
		assertThat(tokenizer.decode(request.prompt())).isEqualTo("get_weather|function");
	}

	@Test
	void aGlm4ModelsTemplateGetsTheConversationInGlm4sShape() {
		String shape = "{{ messages[0]['tools'][0].function.name }}|{{ tools[0].function.name }}|"
				+ "{% for m in messages %}{{ m['role'] }}:{{ m['metadata'] }}:{{ m['content'] }}|{% endfor %}";
		Prompt prompt = new Prompt(List.of(new UserMessage("Hi"),
				AssistantMessage.builder()
					.content("")
					.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_weather",
							"{\"city\":\"Paris\"}")))
					.build(),
				ToolResponseMessage.builder()
					.responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "get_weather", "sunny")))
					.build()),
				InferenceChatOptions.builder().toolCallbacks(weather()).build());
		ServedModel served = new ServedModel("tiny-glm4", "tiny model", checkpoint.sealed(), List.of(glm4), tokenizer,
				new ChatTemplate(shape, Map.of(), Clock.systemUTC()), checkpoint.generation(), Set.of(TinyCheckpoints.END));
		assertThat(tokenizer.decode(ChatRequests.of(served, prompt).prompt()))
			.isEqualTo("get_weather|get_weather|user::Hi|assistant:get_weather:{\"city\": \"Paris\"}|observation::sunny|");
	}

	@Test
	void aCheckpointWithoutAChatTemplateCannotChat() {
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> ChatRequests.of(served(null), new Prompt("Hi")))
			.satisfies((error) -> {
				assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
				assertThat(error.param()).isEqualTo("model");
				assertThat(error.getMessage()).contains("'tiny' has no chat template");
			});
	}

	@Test
	void aTemplateRefusalNamesTheMessages() {
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> ChatRequests.of(served("{{ raise_exception('System role not supported') }}"),
					new Prompt("Hi")))
			.satisfies((error) -> {
				assertThat(error.param()).isEqualTo("messages");
				assertThat(error.getMessage()).endsWith("refused the conversation: System role not supported");
			});
	}

	@Test
	void aConversationLongerThanTheContextIsRefused() {
		assertThatExceptionOfType(ApiException.class)
			.isThrownBy(() -> ChatRequests.of(served(TinyCheckpoints.CHAT_TEMPLATE), new Prompt("x".repeat(200))))
			.satisfies((error) -> assertThat(error.getMessage()).contains("holds at most 128 tokens"));
	}

	@Test
	void optionsOutOfRangeAreRefusedByName() {
		assertThat(refused(InferenceChatOptions.builder().temperature(2.5).build())).isEqualTo("temperature");
		// Found by fuzzing (ChatCompletionRequestFuzzTests): "temperature": "NaN" was a 500.
		assertThat(refused(InferenceChatOptions.builder().temperature(Double.NaN).build())).isEqualTo("temperature");
		assertThat(refused(InferenceChatOptions.builder().topP(Double.NaN).build())).isEqualTo("top_p");
		assertThat(refused(InferenceChatOptions.builder().topP(0.0).build())).isEqualTo("top_p");
		assertThat(refused(InferenceChatOptions.builder().topK(-1).build())).isEqualTo("top_k");
		assertThat(refused(InferenceChatOptions.builder().maxTokens(0).build())).isEqualTo("max_tokens");
		assertThat(refused(InferenceChatOptions.builder().frequencyPenalty(0.5).build())).isEqualTo("frequency_penalty");
	}

	private static FunctionToolCallback<String, String> weather() {
		return FunctionToolCallback.builder("get_weather", (String city) -> "sunny")
			.description("Current weather")
			.inputType(String.class)
			.build();
	}

	private static String refused(InferenceChatOptions options) {
		try {
			ChatRequests.of(served(TinyCheckpoints.CHAT_TEMPLATE), new Prompt("Hi", options));
			throw new AssertionError("accepted " + options);
		}
		catch (ApiException ex) {
			assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
			return ex.param();
		}
	}

	private static ServedModel served(String template) {
		ChatTemplate chat = (template != null)
				? new ChatTemplate(template, checkpoint.tokenizer().specialTokens(), Clock.systemUTC()) : null;
		return new ServedModel("tiny", "tiny model", checkpoint.sealed(), List.of(model), tokenizer, chat,
				checkpoint.generation(), Set.of(TinyCheckpoints.END));
	}

}
