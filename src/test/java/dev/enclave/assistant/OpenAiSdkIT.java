package dev.enclave.assistant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The official OpenAI Java SDK, unchanged, pointed at Enclave with an API key: it parses our
 * completions, our streams and our errors.
 */
class OpenAiSdkIT extends EnclaveIT {

	private OpenAIClient client;

	private String baseUrl;

	@BeforeEach
	void client() {
		Map<String, Object> key = identities().createApiKey(identities().admin(), Identities.uniqueSubject("sdk"),
				"chat");
		this.baseUrl = "http://127.0.0.1:" + this.port + "/v1";
		this.client = client((String) key.get("key"));
	}

	@Test
	void aCompletion() {
		ChatCompletion completion = this.client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("demo")
				.addSystemMessage("You are terse.")
				.addUserMessage("Say hello")
				.maxCompletionTokens(8)
				.seed(5)
				.temperature(0.5)
				.build());
		assertThat(completion.id()).startsWith("chatcmpl-");
		assertThat(completion.model()).isEqualTo("demo");
		assertThat(completion.choices()).singleElement().satisfies((choice) -> {
			assertThat(choice.finishReason()).isIn(ChatCompletion.Choice.FinishReason.STOP,
					ChatCompletion.Choice.FinishReason.LENGTH);
			assertThat(choice.message().content()).isPresent();
		});
		assertThat(completion.usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.promptTokens()).isPositive();
			assertThat(usage.completionTokens()).isBetween(1L, 8L);
			assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
		});
		completion.validate();
	}

	@Test
	void aStreamedCompletion() {
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		try (StreamResponse<ChatCompletionChunk> stream = this.client.chat()
			.completions()
			.createStreaming(ChatCompletionCreateParams.builder()
				.model("demo")
				.addUserMessage("Tell me a story")
				.maxCompletionTokens(8)
				.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
				.build())) {
			stream.stream().forEach(chunks::add);
		}
		assertThat(chunks).hasSizeGreaterThanOrEqualTo(3).allSatisfy(ChatCompletionChunk::validate);
		assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
		ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
		assertThat(finish.choices().get(0).finishReason()).hasValueSatisfying((reason) -> assertThat(reason)
			.isIn(ChatCompletionChunk.Choice.FinishReason.STOP, ChatCompletionChunk.Choice.FinishReason.LENGTH));
		ChatCompletionChunk last = chunks.get(chunks.size() - 1);
		assertThat(last.choices()).isEmpty();
		assertThat(last.usage()).hasValueSatisfying((usage) -> assertThat(usage.completionTokens()).isBetween(1L, 8L));
	}

	@Test
	void aBadKeyIsTheSdksUnauthorizedExceptionWithOurMessage() {
		OpenAIClient stranger = client("ek_live_not-a-real-key");
		assertThatExceptionOfType(UnauthorizedException.class)
			.isThrownBy(() -> stranger.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("demo").addUserMessage("Hi").build()))
			.satisfies((error) -> {
				assertThat(error.statusCode()).isEqualTo(401);
				assertThat(error.getMessage()).contains("Invalid or missing credentials");
				assertThat(error.code()).hasValue("unauthenticated");
				assertThat(error.type()).hasValue("authentication_error");
			});
	}

	@Test
	void invalidRequestsAreTheSdksTypedExceptionsNamingTheParam() {
		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> this.client.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("demo").addUserMessage("Hi").n(2).build()))
			.satisfies((error) -> assertThat(error.param()).hasValue("n"));
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.client.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("gpt-9").addUserMessage("Hi").build()))
			.satisfies((error) -> assertThat(error.param()).hasValue("model"));
	}

	private OpenAIClient client(String key) {
		return OpenAIOkHttpClient.builder().baseUrl(this.baseUrl).apiKey(key).maxRetries(0).build();
	}

}
