package dev.enclave.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.enclave.support.ScriptedUpstream.chunk;
import static dev.enclave.support.ScriptedUpstream.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls streamed by a model server reach the official OpenAI Java SDK through Enclave
 * exactly as the server sent them: two calls side by side, their pieces interleaved, each
 * piece with its index, the first with the call's id and name, the arguments in fragments.
 */
class RemoteToolCallsIT extends RemoteIT {

	/** What the server sends: index, id, name, arguments fragment, per piece. */
	private static final List<Piece> PIECES = List.of(new Piece(0, "call_weather", "get_weather", ""),
			new Piece(0, null, null, "{\"city\":"), new Piece(1, "call_time", "get_time", ""),
			new Piece(1, null, null, "{\"tz\":\"UTC\"}"), new Piece(0, null, null, "\"Paris\"}"));

	private OpenAIClient client;

	@BeforeEach
	void client() {
		Map<String, Object> key = identities().createApiKey(identities().admin(), Identities.uniqueSubject("tools"),
				"chat");
		this.client = OpenAIOkHttpClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port + "/v1")
			.apiKey((String) key.get("key"))
			.maxRetries(0)
			.build();
	}

	@Test
	void aStreamedToolCallSequenceIsTheServersOwn() {
		SOLO.chat(toolCallStream());
		List<Piece> received = new ArrayList<>();
		ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
		try (StreamResponse<ChatCompletionChunk> stream = this.client.chat()
			.completions()
			.createStreaming(params().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
				.build())) {
			stream.stream().forEach((chunk) -> {
				accumulator.accumulate(chunk);
				chunk.choices()
					.forEach((choice) -> choice.delta().toolCalls().ifPresent((calls) -> calls.forEach((call) -> received
						.add(new Piece((int) call.index(), call.id().orElse(null),
								call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name).orElse(null),
								call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).orElse(""))))));
			});
		}
		assertThat(received).isEqualTo(PIECES);
		ChatCompletion whole = accumulator.chatCompletion();
		assertThat(whole.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertCalls(whole);
		assertThat(whole.usage()).hasValueSatisfying((usage) -> assertThat(usage.promptTokens()).isEqualTo(21));
		// The server got the tools as declared, and the choice as asked.
		var sent = SOLO.requests("/v1/chat/completions").get(0).body();
		assertThat(sent.get("tools").findValuesAsString("name")).containsExactly("get_weather", "get_time");
		assertThat(sent.get("tool_choice").asString()).isEqualTo("required");
	}

	@Test
	void aWholeAnswerCarriesTheCallsPutTogether() {
		SOLO.chat(toolCallStream());
		ChatCompletion completion = this.client.chat().completions().create(params().build());
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertCalls(completion);
		completion.validate();
	}

	private static void assertCalls(ChatCompletion completion) {
		List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
		assertThat(calls).hasSize(2);
		ChatCompletionMessageFunctionToolCall weather = calls.get(0).asFunction();
		assertThat(weather.id()).isEqualTo("call_weather");
		assertThat(weather.function().name()).isEqualTo("get_weather");
		assertThat(weather.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
		ChatCompletionMessageFunctionToolCall time = calls.get(1).asFunction();
		assertThat(time.id()).isEqualTo("call_time");
		assertThat(time.function().arguments()).isEqualTo("{\"tz\":\"UTC\"}");
	}

	private static ChatCompletionCreateParams.Builder params() {
		FunctionParameters object = FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build();
		return ChatCompletionCreateParams.builder()
			.model("scripted/solo")
			.addUserMessage("Weather in Paris, and the time?")
			.addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(object).build())
			.addFunctionTool(FunctionDefinition.builder().name("get_time").parameters(object).build())
			.toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED);
	}

	private static Reply toolCallStream() {
		List<String> chunks = new ArrayList<>();
		chunks.add(chunk("{\"role\":\"assistant\",\"content\":null}", null));
		for (Piece piece : PIECES) {
			StringBuilder call = new StringBuilder("{\"index\":" + piece.index());
			if (piece.id() != null) {
				call.append(",\"id\":\"").append(piece.id()).append("\",\"type\":\"function\"");
			}
			call.append(",\"function\":{");
			if (piece.name() != null) {
				call.append("\"name\":\"").append(piece.name()).append("\",");
			}
			call.append("\"arguments\":").append(dev.enclave.support.Chats.JSON.writeValueAsString(piece.arguments()))
				.append("}}");
			chunks.add(chunk("{\"tool_calls\":[" + call + "]}", null));
		}
		chunks.add(chunk("{}", "tool_calls"));
		chunks.add(usage(21, 17));
		return Reply.stream(chunks);
	}

	private record Piece(int index, String id, String name, String arguments) {
	}

}
