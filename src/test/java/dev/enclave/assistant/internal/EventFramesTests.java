package dev.enclave.assistant.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventFramesTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void severalEventsAreOneWriteInOrder() {
		byte[] frames = new EventFrames(this.json).data(Map.of("text", "a\nb"))
			.event("delta", Map.of("n", 1))
			.data("[DONE]")
			.bytes();

		assertThat(new String(frames, StandardCharsets.UTF_8))
			.isEqualTo("data: {\"text\":\"a\\nb\"}\n\nevent: delta\ndata: {\"n\":1}\n\ndata: [DONE]\n\n");
	}

	@Test
	void textIsWrittenAsItIsInUtf8() {
		byte[] frames = new EventFrames(this.json).event("error", "{\"message\":\"已拒绝\"}").bytes();

		assertThat(new String(frames, StandardCharsets.UTF_8))
			.isEqualTo("event: error\ndata: {\"message\":\"已拒绝\"}\n\n");
	}

	@Test
	void aCommentIsALineClientsIgnore() {
		assertThat(new String(new EventFrames(this.json).comment("keep-alive").bytes(), StandardCharsets.UTF_8))
			.isEqualTo(": keep-alive\n\n");
	}

	@Test
	void textWithALineBreakWouldSplitTheEventAndIsRefused() {
		EventFrames frames = new EventFrames(this.json);

		assertThatIllegalArgumentException().isThrownBy(() -> frames.data("one\ntwo"));
		assertThatIllegalArgumentException().isThrownBy(() -> frames.event("a\rb", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> frames.comment("x\r\ny"));
	}

}
