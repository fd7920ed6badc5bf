package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.toolcalls.Parsed;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import dev.enclave.inference.internal.toolcalls.ToolCallParser;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.storage.DataDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.function.FunctionToolCallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The engine reads tool calls out of the text only when the request showed the model tools.
 * On a tiny generated LLaMA checkpoint, whose template leaves tools out of the prompt, so
 * the same greedy answer comes with tools shown or not, and the parser's part can be told
 * apart from the generation's. What the parser makes of real tool-call text is
 * {@link AnswerChunksTests}'s to show.
 */
class DjlChatModelTests {

	@TempDir
	static Path directory;

	private static ModelRegistry registry;

	private static PromptWork work;

	private static ModelReplicas replicas;

	private static DjlChatModel engine;

	@BeforeAll
	static void load() {
		Path checkpoint = TinyCheckpoints.write(directory.resolve("tiny"), TinyCheckpoints.Kind.LLAMA, 3);
		InferenceSettings settings = InferenceSettingsTests.bind(Map.of("enclave.inference.models[0].name", "tiny",
				"enclave.inference.models[0].path", checkpoint.toString(), "enclave.inference.models[0].device", "cpu",
				"enclave.inference.models[0].dtype", "float32"));
		registry = new ModelRegistry(settings, new DataDirectory(directory.resolve("data")), Clock.systemUTC(),
				DeviceMemory.SYSTEM);
		work = new PromptWork(1, 4);
		ServedModel tiny = registry.require("tiny");
		replicas = ModelReplicas.start("tiny", tiny.replicas(),
				List.of(SchedulerSizing.limits(settings, tiny.model(), DeviceMemory.SYSTEM)), 0, Duration.ofMinutes(1),
				new SimpleMeterRegistry());
		engine = new DjlChatModel(registry, new TemplatePromptRenderer(registry, work), Map.of("tiny", replicas));
	}

	@AfterAll
	static void close() {
		replicas.close();
		work.close();
		registry.close();
	}

	@Test
	void aLlamaCheckpointWritesLlama3ToolCalls() {
		assertThat(registry.require("tiny").toolCallFormat()).contains(ToolCallFormat.LLAMA3);
	}

	@Test
	void withoutToolsTheTextIsTheGenerationsAndWithToolsItIsWhatTheParserLetsOut() {
		List<ChatResponse> plain = stream(options().build());
		String generated = content(plain);
		assertThat(generated).isNotEmpty();
		assertThat(plain).allSatisfy((chunk) -> assertThat(ToolCallDelta.of(chunk)).isEmpty());

		List<ChatResponse> withTools = stream(options().toolCallbacks(lookup()).build());
		ToolCallParser parser = ToolCallFormat.LLAMA3.newParser(Set.of("get_ticket"));
		Parsed expected = parser.feed(generated).then(parser.finish());
		StringBuilder content = new StringBuilder(expected.content());
		expected.malformed().forEach((malformed) -> content.append(malformed.text()));
		assertThat(content(withTools)).isEqualTo(content.toString());
		assertThat(withTools.stream().flatMap((chunk) -> ToolCallDelta.of(chunk).stream()))
			.extracting(ToolCallDelta::name, ToolCallDelta::arguments)
			.containsExactlyElementsOf(expected.toolCalls()
				.stream()
				.map((call) -> tuple(call.name(), call.argumentsJson()))
				.toList());

		// Parsing costs no tokens and loses none: the counts and the usage are the generation's.
		ChatResponse last = plain.get(plain.size() - 1);
		ChatResponse lastWithTools = withTools.get(withTools.size() - 1);
		assertThat(lastWithTools.getMetadata().getUsage().getCompletionTokens())
			.isEqualTo(last.getMetadata().getUsage().getCompletionTokens());
		assertThat(lastWithTools.getMetadata().getUsage().getPromptTokens())
			.isEqualTo(last.getMetadata().getUsage().getPromptTokens());
		assertThat(withTools.stream().map(GeneratedTokens::of).toList())
			.isEqualTo(plain.stream().map(GeneratedTokens::of).toList());
		assertThat(lastWithTools.getResult().getMetadata().getFinishReason())
			.isEqualTo(expected.toolCalls().isEmpty() ? last.getResult().getMetadata().getFinishReason() : "tool_calls");
	}

	private static List<ChatResponse> stream(InferenceChatOptions options) {
		return engine.stream(new Prompt(List.of(new UserMessage("Where is my ticket?")), options))
			.collectList()
			.block(Duration.ofSeconds(30));
	}

	private static InferenceChatOptions.Builder options() {
		return InferenceChatOptions.builder().model("tiny").maxTokens(24).temperature(0.0);
	}

	private static FunctionToolCallback<String, String> lookup() {
		return FunctionToolCallback.builder("get_ticket", (String id) -> "open")
			.description("A ticket by its id")
			.inputType(String.class)
			.build();
	}

	private static String content(List<ChatResponse> chunks) {
		StringBuilder content = new StringBuilder();
		chunks.forEach((chunk) -> content.append(chunk.getResult().getOutput().getText()));
		return content.toString();
	}

}
