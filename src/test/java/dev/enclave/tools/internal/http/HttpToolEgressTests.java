package dev.enclave.tools.internal.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.assertj.core.api.AbstractThrowableAssert;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SSRF cases: URLs and redirects that point into the internal network, against real
 * servers on loopback that must see no connection at all.
 */
class HttpToolEgressTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** evil.example, partner.example and elsewhere.example all answer 127.0.0.1, as a hostile DNS server would. */
	private static final HostResolver DNS = (host) -> switch (host) {
		case "api.example", "evil.example", "partner.example", "elsewhere.example" ->
			FakeDns.resolving(Map.of(host, List.of("127.0.0.1"))).resolve(host);
		case "multi.example" -> FakeDns.resolving(Map.of(host, List.of("127.0.0.1", "10.0.0.1"))).resolve(host);
		default -> HostResolver.system().resolve(host);
	};

	private final List<AutoCloseable> closing = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.closing) {
			resource.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "127.0.0.1, loopback", "[::1], loopback", "169.254.169.254, link-local", "10.0.0.1, private",
			"192.168.1.1, private", "172.16.0.1, private", "100.64.0.1, private", "0.0.0.0, unspecified",
			"[::ffff:127.0.0.1], loopback", "2130706433, loopback" })
	void blocksInternalAddressesInTheUrlByDefault(String host, String kind) {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(EgressPolicy.allowing(List.of(host)));

		assertFails(invoker, "http://" + host + ":" + server.port() + "/x", ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining(kind + " address");
		// 0.0.0.0 and ::ffff:127.0.0.1 would reach this server if connected to.
		assertThat(server.connections()).isZero();
	}

	@Test
	void blocksAHostThatResolvesToLoopbackWhenConnecting() {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(EgressPolicy.allowing(List.of("evil.example")));

		assertFails(invoker, "http://evil.example:" + server.port() + "/x", ToolHttpException.Kind.BLOCKED)
			.hasMessage("evil.example resolves to a loopback address, which the egress policy blocks");
		assertThat(server.connections()).isZero();
	}

	@Test
	void blocksAHostWhenAnyOfItsAddressesIsBlockedEvenIfTheFirstIsAllowed() {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(
				new EgressPolicy(List.of("multi.example"), null, false, true, false, 1024, null, null, 3));

		assertFails(invoker, "http://multi.example:" + server.port() + "/x", ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining("multi.example resolves to a private address");
		assertThat(server.connections()).isZero();
	}

	@Test
	void reachesTheSameServerWhenLoopbackIsAllowedForItsHost() {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(internalApi());

		ToolHttpResult result = invoker.invoke(tool("http://api.example:" + server.port() + "/x"), arguments()).block(WAIT);

		assertThat(result.fields().get("/status").asString()).isEqualTo("ok");
		assertThat(server.requests()).hasSize(1);
	}

	@Test
	void refusesUserInfoBeforeConnecting() {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://admin:hunter2@api.example:" + server.port() + "/x", ToolHttpException.Kind.BLOCKED)
			.hasMessageNotContaining("hunter2");
		assertThat(server.connections()).isZero();
	}

	@Test
	void refusesAHostNotOnTheAllowListBeforeResolvingIt() {
		LoopbackServer server = server(LoopbackServer.answering("{\"status\":\"ok\"}"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://elsewhere.example:" + server.port() + "/x", ToolHttpException.Kind.NOT_ALLOWED_HOST);
		assertThat(server.connections()).isZero();
	}

	@Test
	void blocksARedirectToTheCloudMetadataAddress() {
		LoopbackServer origin = server(LoopbackServer.redirectingTo("http://169.254.169.254/latest/meta-data/"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://api.example:" + origin.port() + "/start", ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining("169.254.169.254 is a link-local address");
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void blocksARedirectToAHostThatResolvesToLoopback() {
		LoopbackServer target = server(LoopbackServer.answering("{\"status\":\"pwned\"}"));
		LoopbackServer origin = server(LoopbackServer.redirectingTo("http://evil.example:" + target.port() + "/admin"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://api.example:" + origin.port() + "/start", ToolHttpException.Kind.BLOCKED)
			.hasMessageContaining("evil.example resolves to a loopback address");
		assertThat(origin.requests()).hasSize(1);
		assertThat(target.connections()).isZero();
	}

	@Test
	void refusesARedirectToAHostNotOnTheAllowList() {
		LoopbackServer target = server(LoopbackServer.answering("{\"status\":\"pwned\"}"));
		LoopbackServer origin = server(
				LoopbackServer.redirectingTo("http://elsewhere.example:" + target.port() + "/admin"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://api.example:" + origin.port() + "/start", ToolHttpException.Kind.NOT_ALLOWED_HOST)
			.hasMessage("a redirect was refused: the host 'elsewhere.example' is not on the egress allow-list");
		assertThat(target.connections()).isZero();
	}

	@Test
	void refusesARedirectToAFileUrl() {
		LoopbackServer origin = server(LoopbackServer.redirectingTo("file:///etc/passwd"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://api.example:" + origin.port() + "/start", ToolHttpException.Kind.BLOCKED)
			.hasMessage("a redirect was refused: the scheme 'file' is not allowed; only http and https are");
	}

	@Test
	void followsNoMoreThanMaxRedirects() {
		LoopbackServer origin = server(LoopbackServer.redirectingTo("/again"));
		HttpToolInvoker invoker = invoker(internalApi());

		assertFails(invoker, "http://api.example:" + origin.port() + "/start", ToolHttpException.Kind.TOO_MANY_REDIRECTS)
			.hasMessage("more than 3 redirects");
		assertThat(origin.requests()).extracting(LoopbackServer.Seen::uri)
			.containsExactly("/start", "/again", "/again", "/again");
	}

	@Test
	void keepsCredentialsOnTheSameOriginAndDropsThemForAnother() {
		LoopbackServer partner = server(LoopbackServer.answering("{\"status\":\"partner\"}"));
		LoopbackServer origin = server(new LoopbackServer((request, response) -> request.uri().equals("/start")
				? response.status(307).header(HttpHeaderNames.LOCATION, "/moved").send()
				: response.status(302)
					.header(HttpHeaderNames.LOCATION, "http://partner.example:" + partner.port() + "/landing")
					.send()));
		HttpToolInvoker invoker = invoker(new EgressPolicy(List.of("api.example", "partner.example"),
				List.of("api.example", "partner.example"), false, false, false, 1024, null, null, 3),
				Map.of("TOKEN", "s3cret", "KEY", "k3y"));
		HttpToolDefinition tool = new HttpToolDefinition("t", "d", null, "http://api.example:" + origin.port() + "/start",
				null, Map.of("Authorization", "Bearer {secret:TOKEN}", "X-Api-Key", "{secret:KEY}", "Cookie", "session=1",
						"X-Client", "enclave"),
				List.of("/status"), null);

		ToolHttpResult result = invoker.invoke(tool, arguments()).block(WAIT);

		assertThat(result.fields().get("/status").asString()).isEqualTo("partner");
		assertThat(origin.requests()).hasSize(2)
			.allSatisfy((seen) -> assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer s3cret"));
		assertThat(origin.requests().get(1).headers().get("X-Api-Key")).isEqualTo("k3y");
		LoopbackServer.Seen landed = partner.requests().get(0);
		assertThat(landed.headers().contains("Authorization")).isFalse();
		assertThat(landed.headers().contains("X-Api-Key")).isFalse();
		assertThat(landed.headers().contains("Cookie")).isFalse();
		assertThat(landed.headers().get("X-Client")).isEqualTo("enclave");
	}

	/** Only api.example may reach loopback; evil.example and the others are allowed hosts all the same. */
	private static EgressPolicy internalApi() {
		return new EgressPolicy(List.of("api.example", "evil.example", "169.254.169.254"), List.of("api.example"), false,
				false, false, 1024, null, null, 3);
	}

	private AbstractThrowableAssert<?, ? extends Throwable> assertFails(HttpToolInvoker invoker, String url,
			ToolHttpException.Kind kind) {
		return assertThatThrownBy(() -> invoker.invoke(tool(url), arguments()).block(WAIT))
			.isInstanceOfSatisfying(ToolHttpException.class, (failure) -> assertThat(failure.kind()).isEqualTo(kind));
	}

	private static HttpToolDefinition tool(String url) {
		return new HttpToolDefinition("t", "d", null, url, null, null, List.of("/status"), null);
	}

	private static ObjectNode arguments() {
		return JSON.createObjectNode();
	}

	private LoopbackServer server(LoopbackServer server) {
		this.closing.add(server);
		return server;
	}

	private HttpToolInvoker invoker(EgressPolicy policy) {
		return invoker(policy, Map.of());
	}

	private HttpToolInvoker invoker(EgressPolicy policy, Map<String, String> secrets) {
		HttpToolInvoker invoker = new HttpToolInvoker(policy, DNS, secrets, JSON);
		this.closing.add(invoker);
		return invoker;
	}

}
