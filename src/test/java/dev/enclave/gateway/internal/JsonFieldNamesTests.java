package dev.enclave.gateway.internal;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import static org.assertj.core.api.Assertions.assertThat;

class JsonFieldNamesTests {

	record Message(@JsonProperty("tool_call_id") String toolCallId, String content) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Request(String systemPrompt, List<Message> messages, Map<String, Message> byName, Message[] history) {
	}

	@Test
	void usesTheNamesTheClientSent() {
		assertThat(JsonFieldNames.toJsonPath(Request.class, "systemPrompt")).isEqualTo("system_prompt");
		assertThat(JsonFieldNames.toJsonPath(Request.class, "messages[0].toolCallId"))
			.isEqualTo("messages[0].tool_call_id");
		assertThat(JsonFieldNames.toJsonPath(Request.class, "messages[2].content")).isEqualTo("messages[2].content");
		assertThat(JsonFieldNames.toJsonPath(Request.class, "byName[alice].toolCallId"))
			.isEqualTo("by_name[alice].tool_call_id");
		assertThat(JsonFieldNames.toJsonPath(Request.class, "history[1].toolCallId"))
			.isEqualTo("history[1].tool_call_id");
	}

	@Test
	void leavesUnknownNamesAlone() {
		assertThat(JsonFieldNames.toJsonPath(Request.class, "nothing.here")).isEqualTo("nothing.here");
		assertThat(JsonFieldNames.toJsonPath(null, "systemPrompt")).isEqualTo("systemPrompt");
	}

}
