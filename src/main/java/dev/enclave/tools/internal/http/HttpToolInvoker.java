package dev.enclave.tools.internal.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls declarative HTTP tools behind an {@link EgressPolicy}. Each call builds its URL from
 * the template, checks it, connects only to addresses the policy admits for its host (checked
 * on the resolved addresses, see {@link GuardedResolverGroup}), follows redirects itself (each
 * one checked like the first URL, credentials left behind on another origin), reads at most
 * {@code maxResponseBytes}, and hands back only the {@code keep} fields of the JSON answer.
 * Every failure is a {@link ToolHttpException}. It never logs headers or bodies.
 */
public final class HttpToolInvoker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(HttpToolInvoker.class);

	private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

	private static final byte[] NO_BODY = new byte[0];

	private final EgressPolicy policy;

	private final Map<String, String> secrets;

	private final JsonMapper json;

	private final EgressHttpClient egress;

	private final HttpClient client;

	/**
	 * @param policy where tools may connect
	 * @param hosts how host names are resolved for the egress check ({@link HostResolver#system()} in production)
	 * @param secrets what {@code {secret:NAME}} in a tool's headers stands for, read at each call
	 * @param json the application's mapper
	 */
	public HttpToolInvoker(EgressPolicy policy, HostResolver hosts, Map<String, String> secrets, JsonMapper json) {
		this.policy = policy;
		this.secrets = secrets;
		this.json = json;
		this.egress = new EgressHttpClient("tools-http", policy, hosts, 16);
		// The longest silence while waiting for the response or between two reads of it.
		this.client = this.egress.client().responseTimeout(policy.readTimeout());
	}

	/**
	 * Calls {@code tool} with the model's {@code arguments} (a JSON object).
	 * @return the kept fields, or an error that is always a {@link ToolHttpException}
	 */
	public Mono<ToolHttpResult> invoke(HttpToolDefinition tool, JsonNode arguments) {
		return Mono.defer(() -> follow(firstRequest(tool, arguments), 0))
			.map((reply) -> new ToolHttpResult(reply.status(), kept(tool, reply.body())))
			// The tool's whole-call timeout is the tool executor's, as for every tool: a second
			// timer of the same length here raced it, and the model was told either message.
			// Whatever slipped past the mapping of each exchange still reaches the caller typed.
			.onErrorMap((failure) -> !(failure instanceof ToolHttpException),
					(failure) -> Failures.of(failure, "the server", this.policy))
			.doOnError((failure) -> log.debug("HTTP tool {} failed: {}", tool.name(), failure.getMessage()));
	}

	@Override
	public void close() {
		this.egress.close();
	}

	private ToolRequest firstRequest(HttpToolDefinition tool, JsonNode arguments) {
		if (!arguments.isObject()) {
			throw new ToolHttpException(ToolHttpException.Kind.BAD_ARGUMENTS, "the arguments must be a JSON object");
		}
		UrlTemplate.Expanded url = UrlTemplate.parse(tool.url()).expand(arguments);
		Map<String, String> headers = new LinkedHashMap<>(SecretHeaders.resolve("the tool " + tool.name(), tool.headers(),
				this.secrets));
		putIfAbsent(headers, "Accept", "application/json");
		byte[] body = null;
		if (tool.method() == HttpToolDefinition.Method.POST) {
			ObjectNode rest = this.json.createObjectNode();
			arguments.properties().forEach((argument) -> {
				if (!url.used().contains(argument.getKey())) {
					rest.set(argument.getKey(), argument.getValue());
				}
			});
			body = this.json.writeValueAsBytes(rest);
			putIfAbsent(headers, "Content-Type", "application/json");
		}
		return new ToolRequest(tool.method().name(), url.url(), headers, SecretHeaders.credentials(tool.headers()), body);
	}

	private Mono<Reply> follow(ToolRequest request, int redirects) {
		return Mono.defer(() -> {
			checked(request.url(), redirects);
			return exchange(request);
		}).flatMap((reply) -> {
			String host = request.url().getHost();
			if (REDIRECTS.contains(reply.status()) && reply.location() != null) {
				if (redirects >= this.policy.maxRedirects()) {
					return Mono.error(new ToolHttpException(ToolHttpException.Kind.TOO_MANY_REDIRECTS,
							"more than " + this.policy.maxRedirects() + " redirects"));
				}
				return follow(request.redirectedTo(reply.location(), reply.status()), redirects + 1);
			}
			if (reply.status() / 100 != 2) {
				return Mono.error(new ToolHttpException(ToolHttpException.Kind.HTTP_STATUS,
						host + " answered HTTP " + reply.status()));
			}
			return Mono.just(reply);
		});
	}

	private void checked(URI url, int redirects) {
		try {
			this.policy.check(url);
		}
		catch (ToolHttpException refused) {
			if (redirects == 0) {
				throw refused;
			}
			throw new ToolHttpException(refused.kind(), "a redirect was refused: " + refused.getMessage());
		}
	}

	private Mono<Reply> exchange(ToolRequest request) {
		HttpClient.RequestSender sender = this.client.headers((headers) -> request.headers().forEach(headers::set))
			.request(HttpMethod.valueOf(request.method()))
			.uri(request.url());
		byte[] body = request.body();
		HttpClient.ResponseReceiver<?> receiver = (body != null)
				? sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body))) : sender;
		return receiver.response(this::reply)
			.single()
			.onErrorMap((failure) -> Failures.of(failure, request.url().getHost(), this.policy));
	}

	/** The status, and the body of a 2xx answer only: a redirect's or an error's is never read. */
	private Mono<Reply> reply(HttpClientResponse response, ByteBufFlux content) {
		int status = response.status().code();
		if (status / 100 != 2) {
			return Mono.just(new Reply(status, response.responseHeaders().get(HttpHeaderNames.LOCATION), NO_BODY));
		}
		return CappedBody.read(content, response.responseHeaders(), this.policy.maxResponseBytes())
			.map((bytes) -> new Reply(status, null, bytes));
	}

	private ObjectNode kept(HttpToolDefinition tool, byte[] body) {
		ObjectNode fields = this.json.createObjectNode();
		if (tool.keep().isEmpty()) {
			return fields;
		}
		JsonNode answer;
		try {
			answer = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			answer = null;
		}
		if (answer == null || answer.isMissingNode()) {
			throw new ToolHttpException(ToolHttpException.Kind.BAD_RESPONSE, "the response is not JSON");
		}
		List<String> paths = tool.keep();
		List<JsonPointer> pointers = tool.keptPointers();
		for (int i = 0; i < paths.size(); i++) {
			JsonNode value = answer.at(pointers.get(i));
			if (value.isMissingNode()) {
				fields.putNull(paths.get(i));
			}
			else {
				fields.set(paths.get(i), value);
			}
		}
		return fields;
	}

	private static void putIfAbsent(Map<String, String> headers, String name, String value) {
		if (headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
			headers.put(name, value);
		}
	}

	private record Reply(int status, @Nullable String location, byte[] body) {
	}

}
