package dev.enclave.tools.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Calls that are allowed to go out (loopback opened explicitly), and what comes back. */
class HttpToolInvokerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HostResolver DNS = FakeDns.resolving(Map.of("api.example", List.of("127.0.0.1")));

	private final List<AutoCloseable> closing = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.closing) {
			resource.close();
		}
	}

	@Test
	void encodesArgumentsSendsSecretHeadersAndKeepsOnlyTheChosenFields() {
		LoopbackServer server = server(LoopbackServer.answering("""
				{"status": "ok", "items": [{"name": "first", "owner": "alice@example.com"}, {"name": "second"}],
				 "internal": {"token": "do-not-leak"}}"""));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of("API_TOKEN", "s3cret"));
		HttpToolDefinition tool = new HttpToolDefinition("search", "Searches items", HttpToolDefinition.Method.GET,
				"http://api.example:" + server.port() + "/items/{id}/detail?q={query}&n={n}", null,
				Map.of("Authorization", "Bearer {secret:API_TOKEN}", "X-Client", "enclave"),
				List.of("/status", "/items/0/name", "/missing"), null);

		ToolHttpResult result = invoker
			.invoke(tool, json("{\"id\": \"a/b c?d\", \"query\": \"x&y=z #1\", \"n\": 3}"))
			.block(WAIT);

		LoopbackServer.Seen seen = server.requests().get(0);
		assertThat(seen.method()).isEqualTo("GET");
		assertThat(seen.uri()).isEqualTo("/items/a%2Fb%20c%3Fd/detail?q=x%26y%3Dz%20%231&n=3");
		assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer s3cret");
		assertThat(seen.headers().get("X-Client")).isEqualTo("enclave");
		assertThat(result.status()).isEqualTo(200);
		assertThat(result.fields()).isEqualTo(json("{\"/status\": \"ok\", \"/items/0/name\": \"first\", \"/missing\": null}"));
		assertThat(result.fields().toString()).doesNotContain("do-not-leak", "alice");
	}

	@Test
	void postsTheArgumentsThatNoPlaceholderTook() {
		LoopbackServer server = server(LoopbackServer.answering("{\"id\": 42}"));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());
		HttpToolDefinition tool = new HttpToolDefinition("ticket", "Opens a ticket", HttpToolDefinition.Method.POST,
				"http://api.example:" + server.port() + "/projects/{project}/tickets", null, null, List.of("/id"), null);

		ToolHttpResult result = invoker
			.invoke(tool, json("{\"project\": \"ops\", \"title\": \"Disk full\", \"priority\": 2}"))
			.block(WAIT);

		LoopbackServer.Seen seen = server.requests().get(0);
		assertThat(seen.method()).isEqualTo("POST");
		assertThat(seen.uri()).isEqualTo("/projects/ops/tickets");
		assertThat(seen.headers().get("Content-Type")).isEqualTo("application/json");
		assertThat(json(seen.body())).isEqualTo(json("{\"title\": \"Disk full\", \"priority\": 2}"));
		assertThat(result.fields().get("/id").asInt()).isEqualTo(42);
	}

	@Test
	void refusesADotSegmentAndAMissingArgumentWithoutCalling() {
		LoopbackServer server = server(LoopbackServer.answering("{}"));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());
		HttpToolDefinition tool = tool("http://api.example:" + server.port() + "/items/{id}");

		assertFails(invoker, tool, "{\"id\": \"..\"}", ToolHttpException.Kind.BAD_ARGUMENTS)
			.hasMessage("the argument 'id' must not be '..'");
		assertFails(invoker, tool, "{}", ToolHttpException.Kind.BAD_ARGUMENTS).hasMessage("the argument 'id' is missing");
		assertFails(invoker, tool, "{\"id\": {\"a\": 1}}", ToolHttpException.Kind.BAD_ARGUMENTS);
		assertThat(server.connections()).isZero();
	}

	@Test
	void aSecretThatIsNotSetFailsWithoutNamingAnyValue() {
		LoopbackServer server = server(LoopbackServer.answering("{}"));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of("OTHER", "s3cret"));
		HttpToolDefinition tool = new HttpToolDefinition("t", "d", null, "http://api.example:" + server.port() + "/x",
				null, Map.of("Authorization", "Bearer {secret:API_TOKEN}"), List.of(), null);

		assertFails(invoker, tool, "{}", ToolHttpException.Kind.MISCONFIGURED)
			.hasMessage("the secret API_TOKEN of the tool t is not set");
		assertThat(server.connections()).isZero();
	}

	@Test
	void aResponseDeclaredLargerThanTheCapIsTooLarge() {
		LoopbackServer server = server(LoopbackServer.answering(padded(2048)));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());

		assertFails(invoker, tool("http://api.example:" + server.port() + "/big"), "{}", ToolHttpException.Kind.TOO_LARGE)
			.hasMessage("response larger than 1024 bytes");
	}

	@Test
	void aStreamedResponseThatGrowsPastTheCapIsTooLarge() {
		byte[] chunk = new byte[256];
		java.util.Arrays.fill(chunk, (byte) ' ');
		// Chunked, with no Content-Length to refuse it by: only counting the bytes read stops it.
		LoopbackServer server = server(new LoopbackServer((request, response) -> response
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.send(Flux.range(0, 64).map((i) -> Unpooled.wrappedBuffer(chunk)))));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());

		assertFails(invoker, tool("http://api.example:" + server.port() + "/stream"), "{}",
				ToolHttpException.Kind.TOO_LARGE)
			.hasMessage("response larger than 1024 bytes");
	}

	@Test
	void aResponseOfExactlyTheCapIsRead() {
		LoopbackServer server = server(LoopbackServer.answering(padded(1024)));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());

		ToolHttpResult result = invoker.invoke(tool("http://api.example:" + server.port() + "/x"), json("{}")).block(WAIT);

		assertThat(result.fields().get("/status").asString()).isEqualTo("ok");
	}

	@Test
	void aServerThatNeverAnswersTimesOutAfterTheReadTimeout() {
		LoopbackServer server = server(new LoopbackServer((request, response) -> Mono.never()));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofMillis(300)), Map.of());

		assertFails(invoker, tool("http://api.example:" + server.port() + "/slow"), "{}", ToolHttpException.Kind.TIMEOUT)
			.hasMessage("api.example did not answer within 300 ms");
		assertThat(server.requests()).hasSize(1);
	}

	@Test
	void anErrorStatusIsReportedWithoutItsBody() {
		LoopbackServer server = server(new LoopbackServer((request, response) -> response.status(500)
			.sendString(Mono.just("{\"error\": \"stack trace with db password\"}"))));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());

		assertFails(invoker, tool("http://api.example:" + server.port() + "/x"), "{}", ToolHttpException.Kind.HTTP_STATUS)
			.hasMessage("api.example answered HTTP 500");
	}

	@Test
	void aBodyThatIsNotJsonIsABadResponse() {
		LoopbackServer server = server(new LoopbackServer(
				(request, response) -> response.sendString(Mono.just("<html>hello</html>"))));
		HttpToolInvoker invoker = invoker(policy(1024, Duration.ofSeconds(10)), Map.of());

		assertFails(invoker, tool("http://api.example:" + server.port() + "/x"), "{}", ToolHttpException.Kind.BAD_RESPONSE)
			.hasMessage("the response is not JSON");
	}

	/** Loopback opened for every allowed host: these tests are about the call, not the egress rules. */
	private static EgressPolicy policy(int maxResponseBytes, Duration readTimeout) {
		return new EgressPolicy(List.of("api.example"), null, false, true, false, maxResponseBytes, null, readTimeout, 3);
	}

	/** A JSON object of exactly {@code size} bytes. */
	private static String padded(int size) {
		String start = "{\"status\":\"ok\",\"pad\":\"";
		String end = "\"}";
		String json = start + "x".repeat(size - start.length() - end.length()) + end;
		assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(size);
		return json;
	}

	private AbstractThrowableAssert<?, ? extends Throwable> assertFails(HttpToolInvoker invoker, HttpToolDefinition tool,
			String arguments, ToolHttpException.Kind kind) {
		return assertThatThrownBy(() -> invoker.invoke(tool, json(arguments)).block(WAIT))
			.isInstanceOfSatisfying(ToolHttpException.class, (failure) -> assertThat(failure.kind()).isEqualTo(kind));
	}

	private static HttpToolDefinition tool(String url) {
		return new HttpToolDefinition("t", "d", null, url, null, null, List.of("/status"), null);
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	private LoopbackServer server(LoopbackServer server) {
		this.closing.add(server);
		return server;
	}

	private HttpToolInvoker invoker(EgressPolicy policy, Map<String, String> secrets) {
		HttpToolInvoker invoker = new HttpToolInvoker(policy, DNS, secrets, JSON);
		this.closing.add(invoker);
		return invoker;
	}

}
