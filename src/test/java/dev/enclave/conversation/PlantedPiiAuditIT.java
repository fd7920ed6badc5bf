package dev.enclave.conversation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planted-PII audit: a scripted session puts canaries (personal data an agent would
 * really type) into titles, system prompts, messages, searches and feedback; then every row
 * of every table and everything the application logged are searched for them, as text and,
 * for binary columns, as raw bytes. None may be there in readable form.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlantedPiiAuditIT extends EnclaveIT {

	private static final List<String> CANARIES = List.of("canary-title-5d81", "canary-system-e3c9",
			"canary-message-a7f2", "canary-feedback-1b4e", "canary-renamed-90dc", "zhao.min.canary@example.com",
			"13912345678", "11010519491231002X", "6222 0212 3456 7890 128", "王小明金丝雀");

	@Test
	void noCanaryIsReadableInAnyTableOrAnyLogLine(CapturedOutput output) {
		Chats chats = new Chats(http());
		String agent = identities().sso("canary", Identities.uniqueSubject("agent"), "AGENT");
		String id = chats.create(agent, Map.of("title", "Complaint canary-title-5d81 from 王小明金丝雀", "system_prompt",
				"Customer canary-system-e3c9, e-mail zhao.min.canary@example.com")).get("id").asText();
		chats.streamAll(agent, id, "My card 6222 0212 3456 7890 128 was charged twice, canary-message-a7f2");
		String answer = chats
			.send(agent, id, "Call me on 13912345678, my ID is 11010519491231002X, mail zhao.min.canary@example.com")
			.get("id")
			.asText();
		http().post()
			.uri("/api/v1/messages/{id}/feedback", answer)
			.headers((headers) -> headers.setBearerAuth(agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("rating", "down", "comment", "canary-feedback-1b4e wrong for 13912345678"))
			.exchange()
			.expectStatus()
			.isCreated();
		http().patch()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "canary-renamed-90dc 王小明金丝雀"))
			.exchange()
			.expectStatus()
			.isOk();
		http().get()
			.uri((uri) -> uri.path("/api/v1/conversations").queryParam("q", "canary-renamed-90dc").build())
			.headers((headers) -> headers.setBearerAuth(agent))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].id")
			.isEqualTo(id);
		// An app's exchange kept with store: true through the OpenAI-compatible API.
		EntityExchangeResult<byte[]> stored = new ChatCompletionsClient(http()).post(agent, Map.of("store", true,
				"max_tokens", 8, "messages", List.of(Map.of("role", "system", "content", "canary-system-e3c9 bot"),
						Map.of("role", "user", "content", "canary-message-a7f2 for zhao.min.canary@example.com"))));
		assertThat(stored.getStatus().value()).isEqualTo(200);
		assertThat(stored.getResponseHeaders().getFirst("x-enclave-conversation-id")).isNotBlank();
		// The session really stored its content: the owner reads it back.
		assertThat(chats.get(agent, id).get("system_prompt").asText()).contains("canary-system-e3c9");

		List<String> dump = dumpEveryTable();
		assertThat(dump).as("rows dumped").hasSizeGreaterThan(10);
		for (String canary : CANARIES) {
			String hex = HexFormat.of().formatHex(canary.getBytes(StandardCharsets.UTF_8));
			assertThat(dump).as("database rows").noneMatch((row) -> row.contains(canary) || row.contains(hex));
			assertThat(output.getAll()).as("log output").doesNotContain(canary);
		}
	}

	/** Every row of every table of the application's schema, as PostgreSQL prints it (bytea as hex). */
	private static List<String> dumpEveryTable() {
		List<String> rows = new ArrayList<>();
		for (String table : TestDatabase.query(
				"SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' "
						+ "AND table_type = 'BASE TABLE'")) {
			rows.addAll(TestDatabase.query("SELECT t::text FROM " + table + " t"));
		}
		return rows;
	}

}
