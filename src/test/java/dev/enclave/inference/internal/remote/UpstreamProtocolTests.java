package dev.enclave.inference.internal.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.ToolChoice;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI's protocol both ways, and what each kind of upstream failure becomes. */
class UpstreamProtocolTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ChatBodies bodies = new ChatBodies(JSON);

	@Test
	void aRequestIsAlwaysStreamedWithUsageAndKeepsTheClientsOtherFields() {
		Map<String, JsonNode> extra = Map.of("response_format", JSON.readTree("{\"type\":\"json_object\"}"), "stream",
				JSON.readTree("false"), "model", JSON.readTree("\"gpt-4\""), "min_p", JSON.readTree("0.05"));
		ObjectNode body = this.bodies.request("served/name", new Prompt(List.of(new UserMessage("Hi")),
				InferenceChatOptions.builder().model("alias").temperature(0.0).seed(3L).extraBody(extra)
					.toolChoice(ToolChoice.NONE).build()));
		assertThat(body.get("model").asString()).isEqualTo("served/name");
		assertThat(body.get("stream").asBoolean()).as("a client's field never replaces Enclave's").isTrue();
		assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
		assertThat(body.get("response_format").get("type").asString()).isEqualTo("json_object");
		assertThat(body.get("min_p").asDouble()).isEqualTo(0.05);
		assertThat(body.get("seed").asLong()).isEqualTo(3);
		assertThat(body.has("max_tokens")).as("none asked for, none sent").isFalse();
		assertThat(body.has("tool_choice")).as("no tools, no choice").isFalse();
	}

	@Test
	void aChunkKeepsToolCallPiecesUsageAndUninterpretedFieldsAndARoleAnnouncementIsDropped() {
		assertThat(this.bodies.chunk(JSON.readTree("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
				+ "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"), "m")).isNull();
		ChatResponse calls = this.bodies.chunk(JSON.readTree("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
				+ "[{\"index\":1,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]},"
				+ "\"logprobs\":{\"content\":[]},\"stop_reason\":null}]}"), "m");
		assertThat(ToolCallDelta.of(calls)).containsExactly(new ToolCallDelta(1, "c1", "f", "{\"a"));
		assertThat(PassthroughFields.of(calls).choice()).containsOnlyKeys("logprobs");
		ChatResponse usage = this.bodies.chunk(JSON.readTree("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
				+ "\"completion_tokens\":7,\"total_tokens\":12}}"), "m");
		assertThat(usage.getMetadata().getUsage().getPromptTokens()).isEqualTo(5);
		assertThat(usage.getMetadata().getUsage().getCompletionTokens()).isEqualTo(7);
	}

	@Test
	void eachFailureHasItsAnswer() {
		assertThat(UpstreamFailure.status(429, "7", null).toApi("m").retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(UpstreamFailure.status(429, null, null).toApi("m").code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
		assertThat(UpstreamFailure.status(503, null, "secret").toApi("m").getMessage()).doesNotContain("secret");
		assertThat(UpstreamFailure.status(503, null, null).countsAgainstServer()).isTrue();
		assertThat(UpstreamFailure.status(400, null, "bad field").toApi("m").code()).isEqualTo(ErrorCode.INVALID_REQUEST);
		assertThat(UpstreamFailure.status(400, null, null).retryable()).as("another server would refuse it too").isFalse();
		assertThat(UpstreamFailure.status(401, null, null).toApi("m").code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
		assertThat(UpstreamFailure.of(new java.net.ConnectException("refused")).kind())
			.isEqualTo(UpstreamFailure.Kind.UNREACHABLE);
		assertThat(UpstreamFailure.of(new RuntimeException(io.netty.handler.timeout.ReadTimeoutException.INSTANCE))
			.toApi("m")
			.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
		assertThat(UpstreamFailure.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).as("a date in the past")
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(UpstreamFailure.retryAfter("soon")).isNull();
		assertThat(UpstreamFailure.retryAfter("999999")).isEqualTo(Duration.ofHours(1));
	}

}
