package dev.enclave.assistant.internal.openai;

import java.time.Instant;
import java.util.List;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelDescriptor;
import dev.enclave.inference.ModelKind;
import dev.enclave.inference.internal.EngineSampling;
import dev.enclave.support.RequestBinding;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fuzz test (Jazzer) of the body of {@code POST /v1/chat/completions}: arbitrary bytes are
 * read as the handler reads them (the application's JSON mapper and codec), turned into a
 * prompt as {@link ChatCompletions} does ({@link OpenAiPrompts}), and their sampling options
 * checked as the local engine checks them. Each step either goes on or refuses the request
 * with a clean 4xx; nothing else may be thrown, since anything else would be a 500.
 * Regression mode replays the saved inputs under
 * {@code ChatCompletionRequestFuzzTestsInputs/<method>/}: requests as OpenAI's SDKs send them
 * and what fuzzing found.
 */
class ChatCompletionRequestFuzzTests {

	private static final ModelCatalog CATALOG = new ModelCatalog() {

		private final List<ModelDescriptor> models = List.of(
				new ModelDescriptor("demo", Instant.EPOCH, "enclave", "untrained", true, null, List.of("gpt-4o"),
						ModelKind.CHAT),
				new ModelDescriptor("bge-m3", Instant.EPOCH, "enclave", "embeddings", true, null, List.of(),
						ModelKind.EMBEDDING));

		@Override
		public List<ModelDescriptor> models() {
			return this.models;
		}

		@Override
		public String defaultModel() {
			return "demo";
		}

	};

	private static final OpenAiPrompts PROMPTS = new OpenAiPrompts(CATALOG, new OpenAiTools(RequestBinding.json()));

	@FuzzTest
	@DictionaryEntries({ "\"messages\"", "\"role\"", "\"content\"", "\"system\"", "\"developer\"", "\"user\"",
			"\"assistant\"", "\"tool\"", "\"tool_calls\"", "\"tool_call_id\"", "\"function\"", "\"name\"",
			"\"arguments\"", "\"parameters\"", "\"tools\"", "\"tool_choice\"", "\"type\"", "\"text\"", "\"model\"",
			"\"temperature\"", "\"top_p\"", "\"max_tokens\"", "\"max_completion_tokens\"", "\"stop\"", "\"seed\"",
			"\"stream\"", "\"stream_options\"", "\"include_usage\"", "\"n\"", "\"store\"", "\"service_tier\"",
			"\"flex\"", "\"frequency_penalty\"", "\"presence_penalty\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
			"1e999", "-0", "null", "true", "[]", "{}" })
	void anyChatCompletionBody(byte[] body) {
		ChatCompletionRequest request;
		try {
			request = RequestBinding.read(body, ChatCompletionRequest.class);
		}
		catch (ApiException refused) {
			return;
		}
		CompletionRequest completion;
		try {
			completion = PROMPTS.read(request);
			EngineSampling.check(completion.prompt().getOptions());
		}
		catch (ApiException refused) {
			RequestBinding.assertClientError(refused);
			return;
		}
		assertThat(completion.model()).isEqualTo("demo");
		assertThat(completion.prompt().getInstructions()).isNotEmpty();
		assertThat(completion.transcript()).hasSameSizeAs(request.messages());
	}

}
