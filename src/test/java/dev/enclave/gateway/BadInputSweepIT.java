package dev.enclave.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.enclave.gateway.BadInputs.Case;
import dev.enclave.gateway.BadInputs.Header;
import dev.enclave.gateway.BadInputs.Operation;
import dev.enclave.gateway.BadInputs.Transport;
import dev.enclave.identity.Scopes;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.RawHttp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sweep of malformed requests over every operation of the OpenAPI document (see
 * {@link BadInputs}): whatever arrives, the answer is never a 5xx, every error is the
 * envelope, without a stack trace or the input echoed back, and the application is healthy
 * afterwards. Every failure is collected and reported at once.
 * <p>
 * Tenant-scoped operations run as the administrator of a tenant of the sweep's own, so that
 * its side effects (retention, tool settings, users, keys) never reach the tenants of other
 * tests; the installation's operator actions run as the bootstrap administrator. Each
 * operation gets a fresh token, so a logout case cannot starve the rest.
 */
class BadInputSweepIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Not swept: the gateway's test fixtures, which exist to fail on purpose (a deliberate
	 * bug answering 500, a deliberate timeout, a handler that never answers); they are not
	 * part of the product.
	 */
	private static final List<String> EXCLUDED_PATH_PREFIXES = List.of("/test-fixtures/");

	/** Operations of the installation's operator: only the bootstrap tenant's administrators may call them. */
	private static final List<String> OPERATOR_PATH_PREFIXES = List.of("/api/v1/admin/tenants", "/api/v1/admin/keys");

	private static final Pattern STACK_TRACE = Pattern
		.compile("\\tat |\\bat [a-z]+\\.[a-z]+\\.|[A-Z]\\w*Exception\\b|dev\\.enclave\\.|java\\.lang\\.");

	private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

	private static final int MAX_MESSAGE = 1024;

	private static final int MAX_ERROR_BODY = 4096;

	private WebTestClient client;

	private final List<String> failures = new ArrayList<>();

	private final Map<Integer, Integer> byStatus = new TreeMap<>();

	private final Map<String, Integer> byKind = new TreeMap<>();

	private final Map<String, Long> nanosByKind = new TreeMap<>();

	/** Every case and its status, written to {@code target/bad-input-sweep.txt} for a look at what was answered. */
	private final List<String> outcomes = new ArrayList<>();

	private int total;

	@Test
	void noMalformedRequestGetsA5xxOrAnAnswerOutsideTheEnvelope() throws IOException {
		this.client = http();
		long started = System.nanoTime();
		JsonNode doc = JSON.readTree(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());

		SweepTenant tenant = sweepTenant();
		BadInputs inputs = new BadInputs(doc, cursors(tenant));
		double setup = (System.nanoTime() - started) / 1e9;

		Map<String, List<String>> methodsByPath = new LinkedHashMap<>();
		for (Operation op : inputs.operations()) {
			if (!excluded(op.path())) {
				methodsByPath.computeIfAbsent(op.path(), (path) -> new ArrayList<>()).add(op.method());
			}
		}
		Set<String> pathsSwept = new HashSet<>();
		for (Operation op : inputs.operations()) {
			if (excluded(op.path())) {
				continue;
			}
			String token = token(op.path(), tenant);
			if (pathsSwept.add(op.path())) {
				// Before the operation's own cases, which may log its token out.
				for (Case c : inputs.methodCases(op.path(), methodsByPath.get(op.path()))) {
					run(op.path(), c, "token", token);
				}
			}
			for (Case c : inputs.cases(op)) {
				// The OpenAI API is for API keys first: they get every case there, a person's token
				// all but the body's fields one by one (binding them does not depend on who asks).
				if (!op.openAi() || !c.kind().equals("property")) {
					run(op.toString(), c, "token", token);
				}
				if (op.openAi()) {
					run(op.toString(), c, "API key", tenant.apiKey());
				}
			}
		}
		for (Case c : requestLines()) {
			run("(request line)", c, "API key", tenant.apiKey());
		}

		double seconds = (System.nanoTime() - started) / 1e9;
		Map<String, String> secondsByKind = new TreeMap<>();
		this.nanosByKind.forEach((kind, nanos) -> secondsByKind.put(kind, String.format("%.1f s", nanos / 1e9)));
		System.out.printf("Bad-input sweep: %d cases over %d paths in %.1f s (%.1f s to set up); by status %s; "
				+ "by kind %s; time by kind %s%n", this.total, methodsByPath.size(), seconds, setup, this.byStatus,
				this.byKind, secondsByKind);
		Files.write(Path.of("target", "bad-input-sweep.txt"), this.outcomes);
		assertThat(this.failures).as("%d of %d malformed requests answered wrongly:%n%s", this.failures.size(),
				this.total, String.join("\n", this.failures)).isEmpty();
		assertThat(this.total).as("cases generated").isGreaterThanOrEqualTo(1000);

		// Still healthy, and still serving a normal request.
		this.client.get().uri("/health").exchange().expectStatus().isOk();
		this.client.get()
			.uri("/v1/models")
			.headers((headers) -> headers.setBearerAuth(tenant.apiKey()))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data[0].id")
			.exists();
	}

	/** A handful of request lines only a raw socket sends (the codec's own refusals are in {@link EdgeRejectionsIT}). */
	private static List<Case> requestLines() {
		List<Header> auth = List.of(new Header("Authorization", BadInputs.BEARER));
		Map<String, String> lines = new LinkedHashMap<>();
		lines.put("request line over 4 KB", "GET /v1/models?" + "a".repeat(8000));
		lines.put("raw space in path", "GET /api/v1/conversations/a b");
		lines.put("raw NUL in path", "GET /api/v1/conversations/a\u0000b");
		lines.put("raw tab in path", "GET /api/v1/conversations/a\tb");
		lines.put("unknown version", "GET /api/v1/me HTTP/9.9");
		lines.put("absolute form", "GET http://elsewhere.example/api/v1/me");
		lines.put("asterisk form", "OPTIONS *");
		lines.put("relative target", "GET api/v1/me");
		lines.put("lower-case method", "get /api/v1/me");
		lines.put("unknown method", "SWEEP /api/v1/me");
		lines.put("encoded slash in /v1", "GET /v1/models/a%2Fb");
		List<Case> cases = new ArrayList<>();
		lines.forEach((label, line) -> {
			int space = line.indexOf(' ');
			cases.add(new Case("request line", label, line.substring(0, space), line.substring(space + 1), auth, null,
					Transport.SOCKET, false));
		});
		List<Header> huge = new ArrayList<>(auth);
		huge.add(new Header("X-Padding", "b".repeat(20_000)));
		cases.add(new Case("request line", "headers over 16 KB", "GET", "/v1/models", huge, null, Transport.SOCKET,
				false));
		List<Header> folded = new ArrayList<>(auth);
		folded.add(new Header("X-Folded", "a\r\n  b"));
		cases.add(new Case("request line", "obsolete line folding", "GET", "/v1/models", folded, null,
				Transport.SOCKET, false));
		cases.add(new Case("request line", "bad header name", "GET", "/v1/models",
				List.of(new Header("Bad Header Name", "x")), null, Transport.SOCKET, false));
		return cases;
	}

	// Sending and checking

	private void run(String operation, Case c, String credentialLabel, String credential) {
		this.total++;
		this.byKind.merge(c.kind(), 1, Integer::sum);
		Outcome outcome;
		long started = System.nanoTime();
		try {
			outcome = send(c, credential);
		}
		catch (Exception | AssertionError ex) {
			this.failures.add(describe(operation, c, credentialLabel) + " -> no answer: " + ex);
			return;
		}
		finally {
			this.nanosByKind.merge(c.kind(), System.nanoTime() - started, Long::sum);
		}
		this.byStatus.merge(outcome.status(), 1, Integer::sum);
		this.outcomes.add(outcome.status() + "\t" + (System.nanoTime() - started) / 1_000_000 + " ms\t"
				+ describe(operation, c, credentialLabel));
		String problem = problem(c, outcome);
		if (problem != null) {
			this.failures.add(describe(operation, c, credentialLabel) + " -> " + outcome.status() + " " + problem
					+ ": " + excerpt(outcome.body()));
		}
	}

	private Outcome send(Case c, String credential) throws IOException {
		if (c.transport() == Transport.SOCKET) {
			return viaSocket(c, credential);
		}
		URI uri;
		try {
			uri = URI.create("http://127.0.0.1:" + this.port + c.target());
		}
		catch (IllegalArgumentException ex) {
			// java.net.URI refuses it: the client cannot send it, a socket can.
			return viaSocket(c, credential);
		}
		WebTestClient.RequestBodySpec request = this.client.method(HttpMethod.valueOf(c.method()))
			.uri(uri)
			.headers((headers) -> c.headers()
				.forEach((header) -> headers.add(header.name(), header.value().replace(BadInputs.CREDENTIAL, credential))));
		WebTestClient.RequestHeadersSpec<?> ready = (c.body() != null) ? request.bodyValue(c.body()) : request;
		EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
		byte[] body = result.getResponseBody();
		return new Outcome(result.getStatus().value(), result.getResponseHeaders().getFirst("Content-Type"),
				result.getResponseHeaders().getFirst("traceparent"), (body != null) ? body : new byte[0]);
	}

	private Outcome viaSocket(Case c, String credential) throws IOException {
		StringBuilder head = new StringBuilder(c.method()).append(' ').append(c.target());
		if (!c.target().contains(" HTTP/")) {
			head.append(" HTTP/1.1");
		}
		head.append("\r\nHost: 127.0.0.1:").append(this.port).append("\r\n");
		for (Header header : c.headers()) {
			head.append(header.name())
				.append(": ")
				.append(header.value().replace(BadInputs.CREDENTIAL, credential))
				.append("\r\n");
		}
		byte[] body = (c.body() != null) ? c.body() : new byte[0];
		if (c.body() != null) {
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		head.append("Connection: close\r\n\r\n");
		byte[] start = BadInputs.ascii(head.toString());
		byte[] request = new byte[start.length + body.length];
		System.arraycopy(start, 0, request, 0, start.length);
		System.arraycopy(body, 0, request, start.length, body.length);
		RawHttp.Answer answer = RawHttp.send(this.port, request);
		return new Outcome(answer.status(), answer.header("content-type"), answer.header("traceparent"), answer.body());
	}

	/** What is wrong with an answer, or null. */
	private static @Nullable String problem(Case c, Outcome outcome) {
		int status = outcome.status();
		if (status >= 500) {
			return "a 5xx";
		}
		if (status >= 200 && status < 300) {
			return c.refused() ? "accepted a body that is not JSON" : null;
		}
		if (outcome.contentType() == null
				|| !MediaType.parseMediaType(outcome.contentType()).isCompatibleWith(MediaType.APPLICATION_JSON)) {
			return "content type " + outcome.contentType();
		}
		if (outcome.body().length == 0) {
			return "an empty error body";
		}
		if (outcome.body().length > MAX_ERROR_BODY) {
			return "an error body of " + outcome.body().length + " bytes";
		}
		String text = new String(outcome.body(), StandardCharsets.UTF_8);
		if (STACK_TRACE.matcher(text).find()) {
			return "internal detail in the body";
		}
		JsonNode root;
		try {
			root = JSON.readTree(outcome.body());
		}
		catch (RuntimeException ex) {
			return "a body that is not JSON";
		}
		if (!List.of("error").equals(List.copyOf(root.propertyNames()))) {
			return "not the envelope";
		}
		JsonNode error = root.get("error");
		if (!List.of("code", "type", "message", "param", "details", "traceId", "timestamp")
			.equals(List.copyOf(error.propertyNames()))) {
			return "envelope fields " + error.propertyNames();
		}
		if (!error.get("code").isString() || error.get("code").asString().isBlank() || !error.get("type").isString()) {
			return "no code or type";
		}
		if (!error.get("message").isString() || error.get("message").asString().isBlank()
				|| error.get("message").asString().length() > MAX_MESSAGE) {
			return "a blank or over-long message";
		}
		if (!(error.get("param").isNull() || error.get("param").isString()) || !error.get("details").isArray()) {
			return "param or details of the wrong type";
		}
		for (JsonNode detail : error.get("details")) {
			if (!List.of("field", "issue").equals(List.copyOf(detail.propertyNames()))) {
				return "a detail that is not {field, issue}";
			}
		}
		String traceId = error.get("traceId").asString();
		if (!TRACE_ID.matcher(traceId).matches()) {
			return "trace id " + traceId;
		}
		if (outcome.traceparent() == null || !outcome.traceparent().contains(traceId)) {
			return "traceparent header " + outcome.traceparent() + " without the envelope's trace id";
		}
		return null;
	}

	private static String describe(String operation, Case c, String credential) {
		return operation + " [" + credential + "] " + c.kind() + " / " + c.label() + " (" + c.transport() + ")";
	}

	private static String excerpt(byte[] body) {
		String text = new String(body, StandardCharsets.UTF_8);
		StringBuilder shown = new StringBuilder();
		for (char ch : text.substring(0, Math.min(300, text.length())).toCharArray()) {
			shown.append((ch < 0x20 || ch == 0x7f) ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
		}
		return (text.length() > 300) ? shown + "..." : shown.toString();
	}

	private record Outcome(int status, @Nullable String contentType, @Nullable String traceparent, byte[] body) {
	}

	// Identities and lists of the sweep

	private record SweepTenant(String adminName, String adminPassword, String apiKey) {
	}

	private SweepTenant sweepTenant() {
		String slug = Identities.uniqueSubject("sweep");
		String username = slug + "-admin";
		String password = "sweep-password-" + UUID.randomUUID();
		String operator = identities().admin();
		this.client.post()
			.uri("/api/v1/admin/tenants")
			.headers((headers) -> headers.setBearerAuth(operator))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("slug", slug, "name", "Bad-input sweep", "admin",
					Map.of("username", username, "password", password)))
			.exchange()
			.expectStatus()
			.isCreated();
		String admin = (String) identities().login(username, password).get("access_token");
		String key = (String) identities()
			.createApiKey(admin, "sweep-all-scopes", Scopes.ALL.toArray(new String[0]))
			.get("key");
		return new SweepTenant(username, password, key);
	}

	/** A real {@code next_cursor} of each list, to try on the others. */
	private Map<String, String> cursors(SweepTenant tenant) {
		String admin = (String) identities().login(tenant.adminName(), tenant.adminPassword()).get("access_token");
		for (int i = 0; i < 2; i++) {
			identities().createUser(admin, Identities.uniqueSubject("sweep-user"), "sweep-user-password-1", "AGENT");
			new Chats(this.client).createId(admin, "sweep " + i);
		}
		Map<String, String> cursors = new LinkedHashMap<>();
		for (String list : List.of("/api/v1/users", "/api/v1/conversations", "/api/v1/audit")) {
			cursors.put(list, nextCursor(list, admin));
		}
		cursors.put("/api/v1/admin/tenants", nextCursor("/api/v1/admin/tenants", identities().admin()));
		return cursors;
	}

	private String nextCursor(String list, String token) {
		JsonNode page = JSON.readTree(this.client.get()
			.uri(list + "?limit=1")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		String cursor = page.path("next_cursor").asString(null);
		assertThat(cursor).as("a second page of " + list).isNotNull();
		return cursor;
	}

	private String token(String path, SweepTenant tenant) {
		for (String prefix : OPERATOR_PATH_PREFIXES) {
			if (path.startsWith(prefix)) {
				return identities().admin();
			}
		}
		return (String) identities().login(tenant.adminName(), tenant.adminPassword()).get("access_token");
	}

	private static boolean excluded(String path) {
		return EXCLUDED_PATH_PREFIXES.stream().anyMatch(path::startsWith);
	}

}
