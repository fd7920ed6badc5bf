package dev.enclave;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.enclave.inference.internal.demo.DemoCheckpoint;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Chats;
import dev.enclave.support.EgressTrace;
import dev.enclave.support.Identities;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.TracedApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Nothing phones home. The packaged jar runs as its own process under strace through a whole
 * session over real HTTP: sign-ins, a user, a conversation with a streamed and a JSON turn on
 * the local demo model, the OpenAI-compatible API with an API key on the demo model and on a
 * model server (a scripted one on loopback), the console and every asset it loads, the API
 * document, the metrics scrape, a retention pass and a graceful stop. Every socket address
 * that the JVM, the embedded PostgreSQL or any library in them tried must be on loopback or
 * the machine's own IPC (Unix sockets, netlink); a DNS query to the resolver would fail it.
 *
 * <p>strace gives a positive record of every attempt, which a network namespace without
 * interfaces would only turn into failures that a library may swallow. CI
 * ({@code ENCLAVE_EGRESS_REQUIRED=1}) fails when strace is missing or may not trace; a
 * developer's machine skips, saying why.
 */
class EgressIT {

	private static final Path OUT = Path.of("target", "egress").toAbsolutePath();

	/** A deadline, not an expectation: a start takes 30 to 50 s on two busy cores, strace or not. */
	private static final Duration START = Duration.ofMinutes(3);

	private static final String AGENT_PASSWORD = "egress-agent-password-42";

	@Test
	void aWholeSessionConnectsNowhereButLoopback() throws Exception {
		String untraceable = TracedApplication.whyUntraceable();
		if (untraceable != null) {
			assertThat("1".equals(System.getenv("ENCLAVE_EGRESS_REQUIRED")))
				.as("ENCLAVE_EGRESS_REQUIRED is set, but " + untraceable)
				.isFalse();
			assumeTrue(false, "Skipping the egress proof: " + untraceable);
		}
		Path jar = packagedJar();
		Path data = OUT.resolve("data");
		Path trace = OUT.resolve("connect.trace");
		FileSystemUtils.deleteRecursively(OUT);
		Files.createDirectories(OUT);
		// Backends are configured, so the demo model must be named too (as in RemoteIT).
		Path demo = DemoCheckpoint.ensure(data.resolve("models").resolve("demo"));
		int upstreamPort;
		int databasePort = -1;
		try (ScriptedUpstream upstream = ScriptedUpstream.start("scripted/solo");
				TracedApplication app = TracedApplication.start(jar, trace, arguments(data, demo, upstream))) {
			upstreamPort = URI.create(upstream.baseUrl()).getPort();
			try {
				databasePort = Integer.parseInt(app.awaitLine(
						Pattern.compile("Embedded PostgreSQL is running.*\"port\":\"?(\\d+)"), START).group(1));
				int port = Integer.parseInt(app.awaitLine(Pattern.compile("Netty started on port (\\d+)"), START).group(1));
				app.awaitLine(Pattern.compile("Started EnclaveApplication"), START);
				session(app, WebTestClient.bindToServer()
					.baseUrl("http://127.0.0.1:" + port)
					.responseTimeout(Duration.ofSeconds(60))
					// The console's main script is larger than the default 256 KB buffer.
					.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
					.build(), upstream, databasePort);
			}
			finally {
				try {
					System.out.println("[egress] stopped by SIGTERM, exit status " + app.stop(Duration.ofSeconds(60)));
				}
				finally {
					stopOrphanedPostgres(data);
				}
			}
		}
		shutdownWroteWhatWaited(data);
		EgressTrace egress = EgressTrace.read(trace);
		System.out.println(egress.summary());
		assertThat(egress.external()).as("socket calls that left loopback (full record in %s)", trace).isEmpty();
		// The record works: the connections the session needed are in it.
		assertThat(egress.reachedLoopbackPort(upstreamPort)).as("a connect to the model server on port %d is recorded",
				upstreamPort).isTrue();
		assertThat(egress.reachedLoopbackPort(databasePort)).as("a connect to the embedded PostgreSQL on port %d is "
				+ "recorded", databasePort).isTrue();
		FileSystemUtils.deleteRecursively(data);
	}

	private static List<String> arguments(Path data, Path demo, ScriptedUpstream upstream) {
		return List.of("--server.port=0", "--enclave.data-dir=" + data, "--enclave.admin.password="
				+ Identities.ADMIN_PASSWORD, "--enclave.assistant.max-answer-tokens=16",
				"--enclave.inference.models[0].name=demo", "--enclave.inference.models[0].path=" + demo,
				"--enclave.inference.models[0].device=cpu", "--enclave.inference.backends[0].name=solo",
				"--enclave.inference.backends[0].base-url=" + upstream.baseUrl(),
				"--enclave.inference.backends[0].models[0].name=scripted/solo",
				// Often enough that the pass the session waits for comes within a second.
				"--enclave.conversation.retention-interval=1s",
				// Batches that wait an hour: only the graceful stop writes them.
				"--enclave.conversation.usage-flush-interval=1h", "--enclave.auth.credential-cache.last-used-flush=1h");
	}

	private static void session(TracedApplication app, WebTestClient http, ScriptedUpstream upstream, int databasePort)
			throws Exception {
		await().atMost(START).until(() -> http.get().uri("/actuator/health/readiness").exchange().returnResult(byte[].class)
			.getStatus().value() == 200);
		Identities identities = new Identities(http);
		String admin = identities.admin();
		identities.createUser(admin, "egress-agent", AGENT_PASSWORD, "AGENT");
		String agent = (String) identities.login("egress-agent", AGENT_PASSWORD).get("access_token");

		Chats chats = new Chats(http);
		String conversation = chats.createId(agent, "Egress");
		List<ServerSentEvent<String>> streamed = chats.streamAll(agent, conversation, "Hello there");
		assertThat(streamed.get(streamed.size() - 1).event()).isEqualTo("message.completed");
		assertThat(chats.send(agent, conversation, "And once more").get("status").asString()).isEqualTo("complete");

		String key = (String) identities.createApiKey(admin, "egress", "chat").get("key");
		ChatCompletionsClient completions = new ChatCompletionsClient(http);
		assertThat(completions.complete(key, "Hello demo").get("model").asString()).isEqualTo("demo");
		EntityExchangeResult<byte[]> remote = completions.post(key, Map.of("model", "scripted/solo", "messages",
				List.of(Map.of("role", "user", "content", "Hello upstream"))));
		assertThat(remote.getStatus().value()).as("the model server's answer").isEqualTo(200);
		assertThat(upstream.requests("/v1/chat/completions")).hasSize(1);

		console(http);
		http.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
		http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();

		retention(app, http, admin, agent, conversation, databasePort);
	}

	/**
	 * The console as a browser loads it: the document, then every asset it names, and every
	 * asset those name (lazily loaded pages, their styles).
	 */
	private static void console(WebTestClient http) {
		Pattern asset = Pattern.compile("(?:/assets/|\"assets/|\\./)([A-Za-z0-9_.-]+\\.(?:js|css|woff2?|ttf|svg|png))");
		Deque<String> pending = new ArrayDeque<>(names(asset, text(http, "/")));
		Set<String> loaded = new LinkedHashSet<>();
		while (!pending.isEmpty()) {
			String name = pending.pop();
			if (loaded.add(name)) {
				pending.addAll(names(asset, text(http, "/assets/" + name)));
			}
		}
		assertThat(loaded).as("the console's assets").anyMatch((name) -> name.endsWith(".js"))
			.anyMatch((name) -> name.endsWith(".css"));
		System.out.println("[egress] console: / and " + loaded.size() + " assets " + loaded);
	}

	private static String text(WebTestClient http, String path) {
		byte[] body = http.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

	private static List<String> names(Pattern pattern, String text) {
		List<String> names = new ArrayList<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	/**
	 * A retention pass that erases something: the tenant keeps conversations a day, the
	 * conversation's day is made to have passed (the process's clock cannot be moved from
	 * here), and the job's own log line says it erased it.
	 */
	private static void retention(TracedApplication app, WebTestClient http, String admin, String agent,
			String conversation, int databasePort) throws Exception {
		http.put().uri("/api/v1/retention").headers((headers) -> headers.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("retention_days", 1))
			.exchange()
			.expectStatus()
			.isOk();
		try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + databasePort + "/"
				+ EmbeddedPostgresServer.DATABASE, EmbeddedPostgresServer.USER, null);
				PreparedStatement due = db.prepareStatement(
						"UPDATE conversations SET retention_until = now() - interval '1 minute' WHERE id = ?")) {
			due.setObject(1, UUID.fromString(conversation));
			assertThat(due.executeUpdate()).isEqualTo(1);
		}
		app.awaitLine(Pattern.compile("Retention erased 1 conversations"), Duration.ofSeconds(30));
		http.get().uri("/api/v1/conversations/{id}", conversation).headers((headers) -> headers.setBearerAuth(agent))
			.exchange().expectStatus().isNotFound();
	}

	/** The jar {@code package} built; Failsafe runs after it. */
	private static Path packagedJar() throws IOException {
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "enclave-*.jar")) {
			for (Path jar : jars) {
				return jar.toAbsolutePath();
			}
		}
		throw new AssertionError("No target/enclave-*.jar: run ./mvnw verify (Failsafe runs after package)");
	}

	/** After a forced stop the postmaster, no longer anyone's child, would outlive the test. */
	/**
	 * The graceful stop by SIGTERM wrote the usage rows and {@code last_used_at} that waited
	 * for their batch before the embedded PostgreSQL stopped: the session made two API-key
	 * completions, and its flushes were an hour apart.
	 */
	private static void shutdownWroteWhatWaited(Path data) throws Exception {
		EmbeddedPostgresServer database = new EmbeddedPostgresServer(data.resolve("postgres"), 0);
		database.start();
		try (Connection db = DriverManager.getConnection(database.jdbcUrl(), EmbeddedPostgresServer.USER, null);
				PreparedStatement rows = db
					.prepareStatement("SELECT count(*) FROM usage_events WHERE auth_method = 'api_key'");
				PreparedStatement used = db
					.prepareStatement("SELECT count(*) FROM api_keys WHERE name = 'egress' AND last_used_at IS NOT NULL")) {
			assertThat(count(rows)).as("usage rows of the API-key completions").isEqualTo(2);
			assertThat(count(used)).as("the key's last use").isEqualTo(1);
		}
		finally {
			database.stop();
		}
	}

	private static long count(PreparedStatement query) throws java.sql.SQLException {
		try (java.sql.ResultSet result = query.executeQuery()) {
			result.next();
			return result.getLong(1);
		}
	}

	private static void stopOrphanedPostgres(Path data) throws IOException {
		Path pid = data.resolve("postgres").resolve("postmaster.pid");
		if (Files.exists(pid)) {
			// Only a postmaster: a stale file's pid may belong to something else by now.
			ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).strip()))
				.filter((process) -> process.info().command().orElse("").endsWith("postgres"))
				.ifPresent(ProcessHandle::destroy);
		}
	}

}
