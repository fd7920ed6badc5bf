package dev.enclave.inference;

import java.time.Duration;
import java.util.List;

import dev.enclave.inference.internal.demo.DemoCheckpoint;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no model configured the application generates the demo checkpoint, verifies and
 * loads it, reports it ready, and answers chats through the real {@code ChatModel} bean.
 */
class InferenceIT extends EnclaveIT {

	@Autowired
	ChatModel chat;

	@Autowired
	ModelCatalog catalog;

	@Test
	void theDemoModelIsGeneratedVerifiedAndHonestlyLabelled() {
		assertThat(TestDatabase.dataDir().resolve("models/demo/SHA256SUMS")).exists();
		assertThat(this.catalog.defaultModel()).isEqualTo("demo");
		assertThat(this.catalog.models()).singleElement().satisfies((model) -> {
			assertThat(model.ready()).isTrue();
			assertThat(model.description()).isEqualTo(DemoCheckpoint.LABEL);
			assertThat(model.ownedBy()).isEqualTo("enclave");
		});
	}

	@Test
	void theDemoModelAnswersAChatCompletion() {
		ChatResponse response = this.chat.call(new Prompt(
				List.of(new SystemMessage("You are terse."), new UserMessage("Say hello in Chinese: 你好")),
				InferenceChatOptions.builder().maxTokens(12).seed(7L).build()));
		assertThat(response.getResult().getOutput().getText()).isNotNull();
		assertThat(response.getResult().getMetadata().getFinishReason()).isIn("stop", "length");
		assertThat(response.getMetadata().getModel()).isEqualTo("demo");
		assertThat(response.getMetadata().getId()).startsWith("chatcmpl-");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isGreaterThan(20);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isBetween(1, 12);
	}

	@Test
	void streamsEndWithTheFinishReasonAndUsageAndSeedsRepeat() {
		Prompt prompt = new Prompt(new UserMessage("Tell me a story"),
				InferenceChatOptions.builder().model("demo").maxTokens(20).temperature(1.0).seed(42L).build());
		List<ChatResponse> first = this.chat.stream(prompt).collectList().block(Duration.ofSeconds(60));
		ChatResponse last = first.get(first.size() - 1);
		assertThat(last.getResult().getMetadata().getFinishReason()).isIn("stop", "length");
		assertThat(last.getMetadata().getUsage().getCompletionTokens()).isBetween(1, 20);
		assertThat(first.subList(0, first.size() - 1))
			.allSatisfy((chunk) -> assertThat(chunk.getResult().getMetadata().getFinishReason()).isNull());
		assertThat(text(this.chat.stream(prompt))).isEqualTo(text(Flux.fromIterable(first)));
	}

	@Test
	void cancellingAStreamLeavesTheEngineReadyForTheNext() {
		Prompt endless = new Prompt(new UserMessage("Go on"),
				InferenceChatOptions.builder().maxTokens(1000).temperature(1.0).seed(1L).build());
		StepVerifier.create(this.chat.stream(endless).take(2)).expectNextCount(2).verifyComplete();
		assertThat(this.chat.call(new Prompt("Hi", InferenceChatOptions.builder().maxTokens(3).build())).getResult())
			.isNotNull();
	}

	@Test
	void anUnknownModelIsNotFound() {
		Prompt prompt = new Prompt("Hi", InferenceChatOptions.builder().model("gpt-4").build());
		StepVerifier.create(this.chat.stream(prompt))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(dev.enclave.gateway.ApiException.class)
				.hasMessage("Model 'gpt-4' not found"))
			.verify();
	}

	@Test
	void theSchedulersMetricsShowWhatRan() {
		for (int i = 0; i < 3; i++) {
			this.chat.call(new Prompt("Count to three", InferenceChatOptions.builder().maxTokens(5).seed((long) i).build()));
		}
		String metrics = new String(http().get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
			.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(value(metrics, "enclave_inference_generation_tokens_total")).isGreaterThanOrEqualTo(3);
		assertThat(value(metrics, "enclave_inference_prompt_tokens_total")).isGreaterThan(20);
		assertThat(value(metrics, "enclave_inference_time_to_first_token_seconds_count")).isGreaterThanOrEqualTo(3);
		assertThat(value(metrics, "enclave_inference_e2e_request_latency_seconds_count")).isGreaterThanOrEqualTo(3);
		assertThat(value(metrics, "enclave_inference_queue_time_seconds_count")).isGreaterThanOrEqualTo(3);
		assertThat(value(metrics, "enclave_inference_batch_size_count")).isGreaterThanOrEqualTo(3);
		assertThat(value(metrics, "enclave_inference_kv_cache_usage_ratio")).isBetween(0.0, 1.0);
		assertThat(value(metrics, "enclave_inference_requests_waiting")).isGreaterThanOrEqualTo(0);
		assertThat(value(metrics, "enclave_inference_prefix_cache_queries_total")).isGreaterThanOrEqualTo(0);
		assertThat(metrics).containsPattern("enclave_inference_time_to_first_token_seconds_bucket\\{model=\"demo\",le=\"0\\.05\"}");
		// No tenant, user or conversation in any label: model is the only one.
		assertThat(metrics.lines().filter((line) -> line.startsWith("enclave_inference_")))
			.allSatisfy((line) -> assertThat(line).doesNotContainPattern("(tenant|user|subject|conversation)="));
	}

	private static double value(String metrics, String name) {
		return metrics.lines()
			.filter((line) -> line.startsWith(name + "{") && line.contains("model=\"demo\""))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " is not in the scrape"));
	}

	@Test
	void readinessIncludesTheModel() {
		http().get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.models.status")
			.isEqualTo("UP")
			.jsonPath("$.components.models.details.demo")
			.isEqualTo("ready");
	}

	private static String text(Flux<ChatResponse> chunks) {
		return chunks.map((chunk) -> chunk.getResult().getOutput().getText())
			.reduce("", String::concat)
			.block(Duration.ofSeconds(60));
	}

}
