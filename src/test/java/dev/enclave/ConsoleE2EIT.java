package dev.enclave;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.ScriptedUpstream.Reply;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console end to end in a real browser: the e2e suite in {@code frontend/e2e} (Playwright
 * driving Debian's Chromium, never a downloaded one) against this running application, with
 * the demo model for streamed answers and a scripted model server for a tool call that waits
 * for approval. CI ({@code ENCLAVE_E2E_REQUIRED=1}) fails when Chromium is missing; a
 * developer's machine without it skips the suite, saying why.
 */
class ConsoleE2EIT extends RemoteIT {

	private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ENCLAVE_CHROMIUM", "/usr/bin/chromium"));

	private static final Path FRONTEND = Path.of("frontend").toAbsolutePath();

	/** Room for the 500-message conversation (the scripted model's tokenizer counts a byte a token). */
	@DynamicPropertySource
	static void longContext(DynamicPropertyRegistry registry) {
		registry.add("enclave.inference.backends[0].models[0].context-length", () -> "65536");
	}

	@Test
	void theConsoleWorksInARealBrowser() throws Exception {
		boolean required = "1".equals(System.getenv("ENCLAVE_E2E_REQUIRED"));
		if (!Files.isExecutable(CHROMIUM)) {
			assertThat(required).as("ENCLAVE_E2E_REQUIRED is set, but there is no Chromium at " + CHROMIUM).isFalse();
			assumeTrue(false, "Skipping the console's browser tests: no Chromium at " + CHROMIUM
					+ " (apt-get install -y chromium, or set ENCLAVE_CHROMIUM)");
		}
		assertThat(FRONTEND.resolve("node_modules/playwright-core")).as("npm ci has run in frontend/").isDirectory();
		String longConversation = longConversation();
		// The streamed-answer scenario: pieces far enough apart that each shows on its own.
		SOLO.chat(Reply.pacedText(java.time.Duration.ofMillis(100), "Your order ", "left ", "our warehouse ", "today ",
				"and arrives ", "tomorrow."));
		// The stop scenario: an answer that goes on until the browser stops it.
		SOLO.chat(Reply.paced("word ", java.time.Duration.ofMillis(50)));
		// The approval scenario: the scripted model asks to open a ticket, then answers once it is decided.
		SOLO.chat(ticketCall(), Reply.text("Your ticket ", "is open."));
		Path out = Path.of("target", "e2e").toAbsolutePath();
		Files.createDirectories(out);
		ProcessBuilder npm = new ProcessBuilder("npm", "run", "--silent", "e2e").directory(FRONTEND.toFile())
			.redirectErrorStream(true);
		Map<String, String> env = npm.environment();
		env.put("ENCLAVE_BASE_URL", "http://127.0.0.1:" + this.port);
		env.put("ENCLAVE_ADMIN_PASSWORD", Identities.ADMIN_PASSWORD);
		env.put("ENCLAVE_CHROMIUM", CHROMIUM.toString());
		env.put("ENCLAVE_E2E_OUT", out.toString());
		env.put("ENCLAVE_SCRIPTED_MODEL", "scripted/solo");
		env.put("ENCLAVE_LONG_CONVERSATION", longConversation);
		Process process = npm.start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[e2e] " + line);
				lines.add(line);
			}
		}
		catch (IOException ex) {
			process.destroyForcibly();
			throw ex;
		}
		boolean ended = process.waitFor(10, TimeUnit.MINUTES);
		if (!ended) {
			process.destroyForcibly();
		}
		assertThat(ended).as("the e2e suite ended").isTrue();
		assertThat(process.exitValue()).as("the e2e suite passed:%n%s", String.join("\n", lines)).isZero();
		assertThat(lines).anyMatch((line) -> line.startsWith("PASSED ")).noneMatch((line) -> line.startsWith("FAILED "));
	}

	/**
	 * A conversation of the administrator's with 500 messages, stored as one exchange of the
	 * OpenAI-compatible API: the transcript the console must open and scroll smoothly.
	 */
	private String longConversation() {
		SOLO.chat(Reply.text("The last of 500."));
		List<Map<String, String>> messages = new ArrayList<>();
		for (int i = 1; i <= 499; i++) {
			messages.add(Map.of("role", (i % 2 == 1) ? "user" : "assistant",
					"content", "Message " + i + ((i % 10 == 0) ? "\n\n- a list\n- of two" : "")));
		}
		String conversation = http().post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(identities().admin()))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("model", "scripted/solo", "store", true, "messages", messages))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst("x-enclave-conversation-id");
		assertThat(conversation).isNotBlank();
		return conversation;
	}

	/** A streamed answer that proposes opening a ticket, which waits for a person's approval. */
	private static Reply ticketCall() {
		return Reply.toolCalls(new ScriptedUpstream.ToolCall("call_e2e", "create_ticket",
				"{\"subject\": \"Broken kettle\", \"description\": \"It leaks\"}"));
	}

}
