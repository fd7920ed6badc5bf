package dev.enclave.inference.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.internal.engine.DeviceMemory;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.storage.DataDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prompts are rendered once, on the {@code prompts} scheduler, with every check the engine
 * would make, and the engine runs the rendering it is handed instead of rendering again.
 * On a tiny generated checkpoint (context {@value TinyCheckpoints#CONTEXT} tokens).
 */
class TemplatePromptRendererTests {

	@TempDir
	static Path directory;

	private static ModelRegistry registry;

	private static TemplatePromptRenderer renderer;


	static PromptWork work;

	private static ModelReplicas replicas;

	private static DjlChatModel engine;

	@BeforeAll
	static void load() {
		Path checkpoint = TinyCheckpoints.write(directory.resolve("tiny"), TinyCheckpoints.Kind.LLAMA, 2);
		InferenceSettings settings = InferenceSettingsTests.bind(Map.of("enclave.inference.models[0].name", "tiny",
				"enclave.inference.models[0].path", checkpoint.toString(), "enclave.inference.models[0].device", "cpu",
				"enclave.inference.models[0].dtype", "float32"));
		registry = new ModelRegistry(settings, new DataDirectory(directory.resolve("data")), Clock.systemUTC(),
				DeviceMemory.SYSTEM);
		work = new PromptWork(1, 4);
		renderer = new TemplatePromptRenderer(registry, work);
		ServedModel tiny = registry.require("tiny");
		replicas = ModelReplicas.start("tiny", tiny.replicas(),
				List.of(SchedulerSizing.limits(settings, tiny.model(), DeviceMemory.SYSTEM)), 0, Duration.ofMinutes(1),
				new SimpleMeterRegistry());
		engine = new DjlChatModel(registry, renderer, Map.of("tiny", replicas));
	}

	@AfterAll
	static void close() {
		replicas.close();
		work.close();
		registry.close();
	}

	private static InferenceChatOptions.Builder options() {
		return InferenceChatOptions.builder().model("tiny");
	}

	@Test
	void rendersOnThePromptsSchedulerAndSettlesMaxTokens() {
		Prompt prompt = new Prompt(List.of(new UserMessage("Hi")), options().build());
		StepVerifier.create(renderer.render(prompt).map((rendered) -> List.of(rendered, Thread.currentThread().getName())))
			.assertNext((both) -> {
				RenderedPrompt rendered = (RenderedPrompt) both.get(0);
				assertThat((String) both.get(1)).startsWith("prompts");
				int tokens = ChatRequests.tokens(registry.require("tiny"), prompt.getInstructions(), prompt.getOptions()).length;
				assertThat(rendered.promptTokens()).isEqualTo(tokens);
				// Without max_tokens the answer may fill the rest of the context, and the prompt says so.
				assertThat(rendered.maxTokens()).isEqualTo(TinyCheckpoints.CONTEXT - tokens);
				assertThat(rendered.mostTokens()).isEqualTo(TinyCheckpoints.CONTEXT);
				assertThat(rendered.prompt().getOptions().getMaxTokens()).isEqualTo(rendered.maxTokens());
				assertThat(rendered.model()).isEqualTo("tiny");
			})
			.verifyComplete();
	}

	@Test
	void fittingDropsTheOldestMessagesWholeAndKeepsTheSystemPrompt() {
		List<Message> conversation = new ArrayList<>();
		conversation.add(new SystemMessage("Be brief."));
		for (int i = 0; i < 12; i++) {
			conversation.add(new UserMessage("Question number " + i));
			conversation.add(new AssistantMessage("Answer number " + i));
		}
		conversation.add(new UserMessage("Last one"));
		RenderedPrompt fitted = renderer.fit(new Prompt(conversation, options().maxTokens(20).build()))
			.block(Duration.ofSeconds(10));
		List<Message> kept = fitted.prompt().getInstructions();
		assertThat(kept.size()).isLessThan(conversation.size()).isGreaterThan(2);
		assertThat(kept.get(0).getText()).isEqualTo("Be brief.");
		assertThat(kept.get(kept.size() - 1).getText()).isEqualTo("Last one");
		assertThat(kept.subList(1, kept.size())).isEqualTo(conversation.subList(conversation.size() - kept.size() + 1,
				conversation.size()));
		assertThat(fitted.promptTokens() + 20).isLessThanOrEqualTo(TinyCheckpoints.CONTEXT);
		assertThat(fitted.maxTokens()).isEqualTo(20);
		// One more message would not have fitted.
		List<Message> oneMore = new ArrayList<>(kept);
		oneMore.add(1, conversation.get(conversation.size() - kept.size()));
		assertThat(ChatRequests.tokens(registry.require("tiny"), oneMore, fitted.prompt().getOptions()).length + 20)
			.isGreaterThan(TinyCheckpoints.CONTEXT);
	}

	@Test
	void aLastMessageThatCannotFitNamesContentAndATooLargeMaxTokensNamesIt() {
		StepVerifier.create(renderer.fit(new Prompt(List.of(new UserMessage("x".repeat(400))), options().maxTokens(8)
			.build())))
			.expectErrorSatisfies((error) -> assertThat(((ApiException) error).param()).isEqualTo("content"))
			.verify(Duration.ofSeconds(10));
		StepVerifier.create(renderer.render(new Prompt(List.of(new UserMessage("Hi")),
				options().maxTokens(TinyCheckpoints.CONTEXT).build())))
			.expectErrorSatisfies((error) -> assertThat(((ApiException) error).param()).isEqualTo("max_tokens"))
			.verify(Duration.ofSeconds(10));
		StepVerifier.create(renderer.render(new Prompt(List.of(new UserMessage("Hi")),
				InferenceChatOptions.builder().model("gpt-9").build())))
			.expectErrorSatisfies((error) -> assertThat(((ApiException) error).code()).isEqualTo(ErrorCode.NOT_FOUND))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void theEngineRunsTheRenderingItIsHandedWithoutRenderingAgain() {
		// A rendering whose tokens are not those of its messages: only an engine that uses the
		// rendering as it is reports this prompt length.
		ServedModel tiny = registry.require("tiny");
		Prompt longer = new Prompt(List.of(new UserMessage("A much longer question than the one below, really")),
				options().build());
		GenerationRequest request = ChatRequests.of(tiny, ChatRequests.tokens(tiny, longer.getInstructions(), null),
				options().maxTokens(3).temperature(0.0).build());
		RenderedChatPrompt rendered = new RenderedChatPrompt(List.of(new UserMessage("Hi")),
				options().maxTokens(3).temperature(0.0).build(), "tiny", request);
		List<ChatResponse> chunks = engine.stream(rendered).collectList().block(Duration.ofSeconds(30));
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(request.prompt().length);
		assertThat(request.prompt().length)
			.isGreaterThan(ChatRequests.tokens(tiny, rendered.getInstructions(), rendered.getOptions()).length);
	}

}
