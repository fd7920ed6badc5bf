package dev.enclave.observability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.enclave.support.Chats;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.ScriptedUpstream.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators see, after real traffic through the running application: every metric the
 * shipped Grafana dashboards and alert rules query is exported under that name, no label
 * names a person or conversation, and spans reach an OTLP collector (a scripted one on
 * loopback, the only double) with their names and without any content.
 */
class ObservabilityIT extends RemoteIT {

	/** Words that must never leave the process in a span: they are in prompts, tool arguments and answers. */
	private static final String SECRET = "Quokka-7431-secret";

	private static final Path CHART = Path.of("helm", "enclave");

	private static final LoopResources LOOPS = LoopResources.create("otlp-collector", 1, true);

	/** The bodies the collector received, each one OTLP/HTTP protobuf export request. */
	private static final List<byte[]> EXPORTS = new CopyOnWriteArrayList<>();

	private static final DisposableServer COLLECTOR = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.runOn(LOOPS)
		.route((routes) -> routes.post("/v1/traces", (request, response) -> request.receive()
			.aggregate()
			.asByteArray()
			.doOnNext(EXPORTS::add)
			.then(response.header("content-type", "application/x-protobuf").send())))
		.bindNow();

	@DynamicPropertySource
	static void tracing(DynamicPropertyRegistry registry) {
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
				() -> "http://127.0.0.1:" + COLLECTOR.port() + "/v1/traces");
		registry.add("management.tracing.sampling.probability", () -> "1.0");
	}

	@AfterAll
	static void stopCollector() {
		COLLECTOR.disposeNow();
		LOOPS.disposeLater().block(Duration.ofSeconds(5));
	}

	private String agent;

	private Chats chats;

	@BeforeEach
	void traffic() {
		this.chats = new Chats(http());
		String name = Identities.uniqueSubject("observed");
		identities().createUser(identities().admin(), name, "agent-password-42", "AGENT");
		this.agent = (String) identities().login(name, "agent-password-42").get("access_token");
		// A turn on the local demo model: the engine's metrics and the generation span.
		String local = this.chats.create(this.agent, Map.of("title", "Local", "model", "demo")).get("id").asText();
		List<ServerSentEvent<String>> events = this.chats.streamAll(this.agent, local, "Card of " + SECRET + "?");
		assertThat(events).last().extracting(ServerSentEvent::event).isEqualTo("message.completed");
		// A turn on a model server with one tool round: upstream, tool and client spans.
		SOLO.chat(Reply.toolCalls(new ScriptedUpstream.ToolCall("call_kb", "knowledge_base_search",
				"{\"query\": \"" + SECRET + "\"}")), Reply.text("Found ", SECRET));
		String remote = this.chats.create(this.agent, Map.of("title", "Remote", "model", "scripted/solo"))
			.get("id")
			.asText();
		events = this.chats.streamAll(this.agent, remote, "Look up " + SECRET);
		assertThat(events).last().extracting(ServerSentEvent::event).isEqualTo("message.completed");
		// A search whose terms are in the query string, and a miss.
		http().get()
			.uri("/api/v1/conversations?q=" + SECRET)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectStatus()
			.isOk();
		http().get()
			.uri("/api/v1/conversations/" + java.util.UUID.randomUUID())
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void everyMetricTheDashboardsAndAlertsQueryIsExportedAfterRealTraffic() throws Exception {
		String scrape = scrape();
		Set<String> exported = exportedNames(scrape);
		Set<String> queried = new TreeSet<>();
		for (String expression : queries()) {
			Set<String> names = metricNames(expression);
			assertThat(names).as("metrics in %s", expression).isNotEmpty();
			queried.addAll(names);
		}
		// Fifty-odd series, from every module: requests, limits, tools, caches, database, servers, engine.
		assertThat(queried).hasSizeGreaterThan(25);
		assertThat(exported).as("exported by /actuator/prometheus").containsAll(queried);
		// Latency histograms come with their SLO buckets, not one series per percentile.
		assertThat(scrape).containsPattern("http_server_requests_seconds_bucket\\{[^}]*le=\"0\\.25\"")
			.containsPattern("enclave_inference_time_to_first_token_seconds_bucket\\{[^}]*le=\"0\\.5\"")
			.containsPattern("enclave_inference_generation_seconds_bucket\\{[^}]*engine=\"remote\"")
			.containsPattern("enclave_tool_call_seconds_count\\{[^}]*tool=\"knowledge_base_search\"");
	}

	@Test
	void noLabelNamesAPersonATenantAKeyOrAConversationAndNoneHoldsContent() {
		String scrape = scrape();
		Set<String> labels = new TreeSet<>();
		Matcher matcher = Pattern.compile("[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(scrape);
		while (matcher.find()) {
			labels.add(matcher.group(1));
		}
		assertThat(labels).contains("uri", "model", "tool", "status")
			.doesNotContain("user", "user_id", "subject", "tenant", "tenant_id", "key", "api_key", "conversation",
					"conversation_id", "session", "email");
		assertThat(scrape).doesNotContain(SECRET);
	}

	@Test
	void spansReachTheCollectorNamedAndWithoutContent() {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(exported())
			.contains("inference generate", "tool call", "knowledge_base_search", "SELECT", "/v1/chat/completions",
					"/api/v1/conversations/{id}/messages"));
		String everything = exported();
		// The generation span of each engine, the call to the model server as a child HTTP client span.
		assertThat(everything).contains("scripted/solo", "remote", "local", "demo");
		// Spring Security's per-filter observations are off: the HTTP server span says it all.
		assertThat(everything).doesNotContain("security filterchain").doesNotContain("secured request");
		// No prompt, argument, answer, query-string term or credential in any attribute, event or status.
		assertThat(everything).doesNotContain(SECRET)
			.doesNotContain(SOLO_API_KEY)
			.doesNotContain("Bearer");
	}

	private static String exported() {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		EXPORTS.forEach(all::writeBytes);
		// Protobuf strings are UTF-8 bytes as they are: a plain search finds names and leaks alike.
		return all.toString(StandardCharsets.UTF_8);
	}

	private String scrape() {
		byte[] body = http().get()
			.uri("/actuator/prometheus")
			.accept(MediaType.TEXT_PLAIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(body, StandardCharsets.UTF_8);
	}

	/** Series names in the exposition format, histogram suffixes included. */
	private static Set<String> exportedNames(String scrape) {
		Set<String> names = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			if (!line.isEmpty() && !line.startsWith("#")) {
				names.add(line.split("[{ ]", 2)[0]);
			}
		}
		return names;
	}

	/** Every PromQL expression in the chart's dashboards and alert rules. */
	private static List<String> queries() throws Exception {
		List<String> expressions = new ArrayList<>();
		try (Stream<Path> files = Files.list(CHART.resolve("dashboards"))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".json")).sorted().toList()) {
				JsonNode dashboard = Chats.JSON.readTree(Files.readString(file));
				dashboard.findValues("expr").forEach((expr) -> expressions.add(expr.asString()));
			}
		}
		try (Stream<Path> files = Files.list(CHART.resolve("alerts"))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".yaml")).sorted().toList()) {
				Map<String, Object> rules = new Yaml().load(Files.readString(file));
				for (Object group : (List<?>) rules.get("groups")) {
					for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
						expressions.add((String) ((Map<?, ?>) rule).get("expr"));
					}
				}
			}
		}
		assertThat(expressions).as("dashboard and alert queries").hasSizeGreaterThan(20);
		return expressions;
	}

	/**
	 * The metric names an expression reads: identifiers followed by a selector or a range, or
	 * standing alone, less PromQL's own words and the label names inside selectors.
	 */
	static Set<String> metricNames(String expression) {
		String withoutSelectors = expression.replaceAll("\\{[^}]*}", "{}")
			.replaceAll("\"[^\"]*\"", "\"\"")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b\\s*(\\(?)").matcher(withoutSelectors);
		while (matcher.find()) {
			boolean function = !matcher.group(2).isEmpty();
			String name = matcher.group(1);
			if (!function && !PROMQL_WORDS.contains(name) && !name.matches("\\d.*|e\\d+|__rate_interval")
					&& name.contains("_")) {
				names.add(name);
			}
		}
		return names;
	}

	private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
			"__rate_interval", "__interval", "__range", "namespace");

}
