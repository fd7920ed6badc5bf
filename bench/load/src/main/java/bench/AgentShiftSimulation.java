package bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * A shift of support agents on the console plus an app's traffic on the OpenAI-compatible API,
 * against an Enclave that is already running (bench/load.sh and bench/soak.sh start one).
 *
 * <p>Agents (closed loop, ramped): sign in as pre-created AGENT users, then until the end of the
 * run list their conversations, start one, stream a turn from the model to its last event, and
 * list again, with think times between. API (open loop, a constant rate): {@code GET /v1/models},
 * and {@code POST /v1/chat/completions} plain and streamed, with one API key.
 *
 * <p>System properties (defaults sized for a 2-core machine that also runs Enclave):
 * {@code baseUrl} (http://127.0.0.1:18200), {@code duration} (2m; s, m or h), {@code agents} (10),
 * {@code ramp} (a quarter of the duration, at most 30s), {@code apiRate} (API requests per second,
 * 2), {@code model} (demo), {@code maxTokens} (16), {@code agentsFile} (a CSV of
 * {@code username,password}, required). The API key comes from the environment,
 * {@code ENCLAVE_BENCH_API_KEY}, so that it is not on a command line.
 *
 * <p>Request names are single words so that the RESULT lines stay {@code key=value}. No request
 * body is ever logged: see logback.xml.
 */
public class AgentShiftSimulation extends Simulation {

	private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:18200");
	private static final Duration DURATION = duration(System.getProperty("duration", "2m"));
	private static final int AGENTS = Integer.getInteger("agents", 10);
	private static final Duration RAMP = System.getProperty("ramp") != null ? duration(System.getProperty("ramp"))
			: min(Duration.ofSeconds(30), DURATION.dividedBy(4));
	private static final double API_RATE = Double.parseDouble(System.getProperty("apiRate", "2"));
	private static final String MODEL = System.getProperty("model", "demo");
	private static final int MAX_TOKENS = Integer.getInteger("maxTokens", 16);
	private static final String AGENTS_FILE = required("agentsFile");
	private static final String API_KEY = System.getenv("ENCLAVE_BENCH_API_KEY");

	// Access tokens live 15 minutes; an agent signs in again well before that, so a long soak
	// does not turn into a run of 401s.
	private static final long RELOGIN_AFTER_MS = Duration.ofMinutes(10).toMillis();

	// What customers ask; the demo model answers random text whatever the prompt, but the
	// prompts vary so that nothing downstream (caches, tokenizer) sees one string only.
	private static final List<String> QUESTIONS = List.of("Where is my order?", "How do I get a refund for order 1042?",
			"My parcel arrived damaged, what now?", "Can I change the delivery address?",
			"Why was my card charged twice?");

	/** When the agents stop starting new rounds: set once, when the simulation starts. */
	private volatile long deadlineMs;

	@Override
	public void before() {
		if (API_KEY == null || API_KEY.isBlank()) {
			throw new IllegalStateException("ENCLAVE_BENCH_API_KEY is not set");
		}
		this.deadlineMs = System.currentTimeMillis() + DURATION.toMillis();
	}

	// Agents: each virtual user is one browser, so it keeps connections of its own.
	private final HttpProtocolBuilder agentProtocol = http.baseUrl(BASE_URL)
		.acceptHeader("application/json")
		.contentTypeHeader("application/json")
		// Gatling warms its HTTP stack up against gatling.io by default; stay on loopback.
		.warmUp(BASE_URL + "/health");

	// The app: one client with a connection pool, as an OpenAI SDK would have.
	private final HttpProtocolBuilder apiProtocol = http.baseUrl(BASE_URL)
		.acceptHeader("application/json")
		.contentTypeHeader("application/json")
		.authorizationHeader("Bearer " + API_KEY)
		.shareConnections()
		.warmUp(BASE_URL + "/health");

	private static final ChainBuilder LOGIN = exec(http("login").post("/api/v1/auth/login")
		.body(StringBody("{\"username\":\"#{username}\",\"password\":\"#{password}\"}"))
		.check(status().is(200), jmesPath("access_token").saveAs("token")))
		.exec((session) -> session.set("loginAt", System.currentTimeMillis()));

	private static final ChainBuilder LIST = exec(http("list_conversations").get("/api/v1/conversations?limit=20")
		.header("Authorization", "Bearer #{token}")
		.check(status().is(200), jmesPath("data").exists()));

	private final ChainBuilder round = doIf((session) -> System.currentTimeMillis()
			- session.getLong("loginAt") > RELOGIN_AFTER_MS)
		.then(LOGIN)
		.exec(LIST)
		.pause(Duration.ofSeconds(1), Duration.ofSeconds(3))
		.exec(http("create_conversation").post("/api/v1/conversations")
			.header("Authorization", "Bearer #{token}")
			.body(StringBody("{\"title\":\"Ticket #{ticket}\",\"model\":\"" + MODEL
					+ "\",\"system_prompt\":\"You are a polite support agent.\"}"))
			.check(status().in(200, 201), jmesPath("id").saveAs("conversationId")))
		.pause(Duration.ofSeconds(1), Duration.ofSeconds(2))
		// The whole stream is one response: Gatling reads it to the end of the body, so the
		// response time is the turn's, first event to message.completed (or error).
		.exec(http("stream_turn").post("/api/v1/conversations/#{conversationId}/messages")
			.header("Authorization", "Bearer #{token}")
			.header("Accept", "text/event-stream")
			.body(StringBody((session) -> "{\"content\":\"" + question() + "\",\"max_tokens\":" + MAX_TOKENS + "}"))
			.check(status().is(200), regex("event: ?message\\.completed").exists()))
		.pause(Duration.ofSeconds(2), Duration.ofSeconds(5))
		.exec(LIST);

	// A failed step ends the round (the next step would only fail for want of its token or
	// conversation, and count as an error that is not a request); the pause after it keeps a
	// server that refuses everything from being hammered in a tight loop.
	private final ScenarioBuilder agents = scenario("agents").feed(csv(AGENTS_FILE).circular())
		.exec(LOGIN)
		.exitHereIfFailed()
		.asLongAs((session) -> System.currentTimeMillis() < this.deadlineMs)
		.on(exec((session) -> session.set("ticket", ThreadLocalRandom.current().nextInt(1000, 100000)))
			.exitBlockOnFail()
			.on(this.round)
			.exec(Session::markAsSucceeded)
			.pause(Duration.ofSeconds(2), Duration.ofSeconds(5)));

	private static final ChainBuilder MODELS = exec(http("models").get("/v1/models")
		.check(status().is(200), jmesPath("data[0].id").exists()));

	private static final ChainBuilder COMPLETION = exec(http("chat_completion").post("/v1/chat/completions")
		.body(StringBody((session) -> completion(false)))
		.check(status().is(200), jmesPath("choices[0].finish_reason").exists()));

	private static final ChainBuilder COMPLETION_STREAM = exec(http("chat_completion_stream")
		.post("/v1/chat/completions")
		.header("Accept", "text/event-stream")
		.body(StringBody((session) -> completion(true)))
		// [DONE] is sent only after a stream that did not fail.
		.check(status().is(200), regex("data: ?\\[DONE\\]").exists()));

	private final ScenarioBuilder api = scenario("api").exec(randomSwitch().on(percent(20).then(MODELS),
			percent(40).then(COMPLETION), percent(40).then(COMPLETION_STREAM)));

	{
		setUp(this.agents.injectOpen(rampUsers(AGENTS).during(RAMP)).protocols(this.agentProtocol),
				this.api.injectOpen(constantUsersPerSec(API_RATE).during(DURATION)).protocols(this.apiProtocol))
			// A last round may start just before the deadline; give it time, then stop anyway.
			.maxDuration(DURATION.plus(Duration.ofMinutes(1)));
	}

	private static String completion(boolean stream) {
		return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"max_tokens\":" + MAX_TOKENS
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question() + "\"}]}";
	}

	private static String question() {
		return QUESTIONS.get(ThreadLocalRandom.current().nextInt(QUESTIONS.size()));
	}

	/** "90s", "2m", "1h", or plain seconds. */
	static Duration duration(String text) {
		String value = text.trim();
		char unit = value.charAt(value.length() - 1);
		if (Character.isDigit(unit)) {
			return Duration.ofSeconds(Long.parseLong(value));
		}
		long amount = Long.parseLong(value.substring(0, value.length() - 1));
		return switch (unit) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			default -> throw new IllegalArgumentException("duration: " + text + " (use s, m or h)");
		};
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private static String required(String property) {
		String value = System.getProperty(property);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException("system property " + property + " is required");
		}
		return value;
	}

}
