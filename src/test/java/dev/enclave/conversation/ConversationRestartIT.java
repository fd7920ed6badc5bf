package dev.enclave.conversation;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.enclave.EnclaveApplication;
import dev.enclave.support.Chats;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A conversation survives a restart: the embedded default (its own PostgreSQL and keyset
 * under the data directory) is stopped and started again, and the history is still there,
 * readable, and goes on.
 */
class ConversationRestartIT {

	private static final String PASSWORD = "restart-admin-password";

	private final Path dataDir = Path.of("target", "restart-it-" + ProcessHandle.current().pid()).toAbsolutePath();

	@AfterEach
	void cleanUp() {
		TestDatabase.deleteRecursively(this.dataDir);
	}

	@Test
	void historyIsKeptAcrossRestarts() throws Exception {
		int pgPort = freePort();
		String id;
		String firstAnswer;
		try (ConfigurableApplicationContext first = start(pgPort)) {
			WebTestClient http = client(first);
			String token = login(http);
			Chats chats = new Chats(http);
			id = chats.create(token, Map.of("title", "Survives restarts", "system_prompt", "Remember me.")).get("id").asText();
			firstAnswer = chats.send(token, id, "First question").get("content").asText();
			// The embedded default comes with a demo knowledge base; an administrator may delete from it.
			List<JsonNode> demo = articles(http, token, "退款");
			assertThat(demo).first().satisfies((article) -> assertThat(article.get("title").asText()).contains("退款"));
			http.delete()
				.uri("/api/v1/kb/articles/{id}", demo.get(0).get("id").asText())
				.headers((headers) -> headers.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.is2xxSuccessful();
		}
		try (ConfigurableApplicationContext second = start(pgPort)) {
			WebTestClient http = client(second);
			String token = login(http);
			Chats chats = new Chats(http);
			JsonNode conversation = chats.get(token, id);
			assertThat(conversation.get("title").asText()).isEqualTo("Survives restarts");
			assertThat(conversation.get("system_prompt").asText()).isEqualTo("Remember me.");
			assertThat(conversation.get("messages")).hasSize(2);
			assertThat(conversation.get("messages").get(0).get("content").asText()).isEqualTo("First question");
			assertThat(conversation.get("messages").get(1).get("content").asText()).isEqualTo(firstAnswer);
			// Seeded once: what was deleted stays deleted, nothing is doubled.
			assertThat(articles(http, token, null)).hasSize(4);
			JsonNode next = chats.send(token, id, "Second question");
			assertThat(next.get("seq").asInt()).isEqualTo(4);
			assertThat(next.get("prompt_tokens").asInt())
				.isGreaterThan(conversation.get("messages").get(1).get("prompt_tokens").asInt());
		}
	}

	private ConfigurableApplicationContext start(int pgPort) {
		return new SpringApplicationBuilder(EnclaveApplication.class).run("--server.port=0",
				"--enclave.data-dir=" + this.dataDir, "--enclave.db.embedded-port=" + pgPort,
				"--enclave.admin.password=" + PASSWORD, "--enclave.assistant.max-answer-tokens=16");
	}

	private static List<JsonNode> articles(WebTestClient http, String token, String query) {
		byte[] body = http.get()
			.uri((builder) -> (query != null) ? builder.path("/api/v1/kb/articles").queryParam("q", query).build()
					: builder.path("/api/v1/kb/articles").build())
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		List<JsonNode> articles = new java.util.ArrayList<>();
		Chats.JSON.readTree(body).get("data").forEach(articles::add);
		return articles;
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(60))
			.build();
	}

	private static String login(WebTestClient http) {
		byte[] body = http.post()
			.uri("/api/v1/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "admin", "password", PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return Chats.JSON.readTree(body).get("access_token").asText();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
