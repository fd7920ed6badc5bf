package dev.enclave.assistant.internal;

import java.util.UUID;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.enclave.gateway.ApiException;
import dev.enclave.identity.Principal;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.EngineSampling;
import dev.enclave.support.RequestBinding;

import org.springframework.core.MethodParameter;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fuzz test (Jazzer) of the console's message body, {@code POST
 * /api/v1/conversations/{id}/messages}: arbitrary bytes are read and validated as
 * {@link TurnController} has them read and validated ({@code @Valid @RequestBody}, with the
 * application's JSON mapper and validator), and this turn's options checked as the local
 * engine checks them. Each step either goes on or refuses the request with a clean 4xx;
 * nothing else may be thrown, since anything else would be a 500. Regression mode replays the
 * saved inputs under {@code SendMessageFuzzTestsInputs/<method>/}.
 */
class SendMessageFuzzTests {

	private static final MethodParameter BODY;

	static {
		try {
			BODY = new MethodParameter(TurnController.class.getDeclaredMethod("send", Principal.class, UUID.class,
					TurnController.SendMessage.class, ServerWebExchange.class), 2);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FuzzTest
	@DictionaryEntries({ "\"content\"", "\"max_tokens\"", "\"temperature\"", "\"top_p\"", "\"seed\"", "\"NaN\"",
			"\"Infinity\"", "\"-Infinity\"", "1e999", "-0", "null", "true", "[]", "{}" })
	void anyMessageBody(byte[] body) {
		TurnController.SendMessage message;
		try {
			message = RequestBinding.read(body, TurnController.SendMessage.class);
			RequestBinding.validate(message, BODY);
		}
		catch (ApiException refused) {
			return;
		}
		assertThat(message.content()).isNotBlank().hasSizeLessThanOrEqualTo(100_000);
		try {
			// This turn's options as ConsoleTurns puts them in the prompt.
			EngineSampling.check(InferenceChatOptions.builder()
				.maxTokens(message.maxTokens())
				.temperature(message.temperature())
				.topP(message.topP())
				.seed(message.seed())
				.build());
		}
		catch (ApiException refused) {
			RequestBinding.assertClientError(refused);
		}
	}

}
