package dev.enclave.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible model server on loopback, scripted by the test: the stand-in for
 * vLLM, which Enclave does not ship. Each {@code POST /v1/chat/completions} (or
 * {@code /v1/embeddings}) takes the next scripted reply, or a short default answer when
 * none is queued; {@code GET /v1/models} lists the configured models (or fails, when the
 * test says so). Every request is recorded with its headers and body.
 */
public final class ScriptedUpstream implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DisposableServer server;

	private final Queue<Reply> chat = new ConcurrentLinkedQueue<>();

	private final Queue<Reply> embeddings = new ConcurrentLinkedQueue<>();

	private final List<Recorded> requests = new CopyOnWriteArrayList<>();

	private final AtomicReference<Reply> models = new AtomicReference<>();

	/** Streamed replies whose client went away before they ended. */
	private static final java.util.concurrent.atomic.AtomicInteger ABANDONED = new java.util.concurrent.atomic.AtomicInteger();

	private ScriptedUpstream(List<String> modelIds) {
		this.models.set(modelList(modelIds));
		// Loops of its own: the global ones die with the first application context that closes.
		this.server = HttpServer.create()
			.runOn(LoopResources.create("scripted-upstream", 1, true))
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/v1/models", (request, response) -> handle(request, response, null))
				.post("/v1/chat/completions", (request, response) -> handle(request, response, this.chat))
				.post("/v1/embeddings", (request, response) -> handle(request, response, this.embeddings)))
			.bindNow();
	}

	/** A server that lists {@code modelIds}. */
	public static ScriptedUpstream start(String... modelIds) {
		return new ScriptedUpstream(List.of(modelIds));
	}

	/** What Enclave is configured with: the API root, {@code http://127.0.0.1:port/v1}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	/** Queues the replies to the next chat completion requests, in order. */
	public void chat(Reply... replies) {
		this.chat.addAll(List.of(replies));
	}

	/** Queues the replies to the next embeddings requests, in order. */
	public void embeddings(Reply... replies) {
		this.embeddings.addAll(List.of(replies));
	}

	/** What {@code GET /v1/models} answers from now on. */
	public void models(Reply reply) {
		this.models.set(reply);
	}

	/** {@code GET /v1/models} lists {@code ids} again. */
	public void listing(String... ids) {
		this.models.set(modelList(List.of(ids)));
	}

	/** How many gated replies, on any server, lost their client (the connection closed) before they ended. */
	public static int abandoned() {
		return ABANDONED.get();
	}

	/** Forgets queued replies and recorded requests. */
	public void reset() {
		this.chat.clear();
		this.embeddings.clear();
		this.requests.clear();
	}

	/** Every request to {@code path} so far, in order. */
	public List<Recorded> requests(String path) {
		return this.requests.stream().filter((request) -> request.path().equals(path)).toList();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response, Queue<Reply> queue) {
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap((body) -> {
			Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			request.requestHeaders().forEach((header) -> headers.put(header.getKey(), header.getValue()));
			this.requests.add(new Recorded(request.method().name(), request.path().startsWith("/") ? request.path()
					: "/" + request.path(), headers, body.isEmpty() ? null : JSON.readTree(body)));
			Reply reply = (queue == null) ? this.models.get() : queue.poll();
			if (reply == null) {
				reply = (queue == this.embeddings) ? Reply.embedding(1, 3) : Reply.text("Hello", " from", " upstream");
			}
			return Mono.from(reply.write().apply(response));
		});
	}

	private static Reply modelList(List<String> ids) {
		ObjectNode list = JSON.createObjectNode();
		list.put("object", "list");
		ArrayNode data = list.putArray("data");
		for (String id : ids) {
			data.addObject().put("id", id).put("object", "model").put("owned_by", "scripted").put("max_model_len", 4096);
		}
		return Reply.json(200, list.toString());
	}

	/** One recorded request. */
	public record Recorded(String method, String path, Map<String, String> headers, JsonNode body) {
	}

	/** How the server answers one request. */
	public record Reply(Function<HttpServerResponse, Publisher<Void>> write) {

		/** A plain JSON answer with {@code status}. */
		public static Reply json(int status, String body) {
			return json(status, body, Map.of());
		}

		public static Reply json(int status, String body, Map<String, String> headers) {
			return new Reply((response) -> {
				response.status(HttpResponseStatus.valueOf(status)).header(HttpHeaderNames.CONTENT_TYPE, "application/json");
				headers.forEach(response::header);
				return response.sendString(Mono.just(body));
			});
		}

		/** A streamed answer: each chunk as a server-sent event, then {@code [DONE]}. */
		public static Reply stream(List<String> chunks) {
			return new Reply((response) -> events(response).sendString(Flux.fromIterable(chunks)
				.map((chunk) -> "data: " + chunk + "\n\n")
				.concatWithValues("data: [DONE]\n\n")));
		}

		/**
		 * A streamed answer written in one piece with its length, as a fast server's short
		 * answer arrives: one read on Enclave's side.
		 */
		public static Reply atOnce(List<String> chunks) {
			StringBuilder body = new StringBuilder();
			chunks.forEach((chunk) -> body.append("data: ").append(chunk).append("\n\n"));
			body.append("data: [DONE]\n\n");
			return new Reply((response) -> events(response).sendString(Mono.just(body.toString())));
		}

		/** A streamed answer that proposes these calls, whole, and finishes with {@code tool_calls}. */
		public static Reply toolCalls(ToolCall... calls) {
			List<String> chunks = new ArrayList<>();
			chunks.add(chunk("{\"role\":\"assistant\",\"content\":null}", null));
			for (int i = 0; i < calls.length; i++) {
				ToolCall call = calls[i];
				chunks.add(chunk("{\"tool_calls\":[{\"index\":" + i + ",\"id\":\"" + call.id() + "\",\"type\":\"function\","
						+ "\"function\":{\"name\":\"" + call.name() + "\",\"arguments\":"
						+ JSON.writeValueAsString(call.arguments()) + "}}]}", null));
			}
			chunks.add(chunk("{}", "tool_calls"));
			chunks.add(usage(30, 12));
			return stream(chunks);
		}

		/**
		 * A long answer written at a steady pace, {@code piece} every {@code every}, as a
		 * model generates: it goes on far longer than any test, until the client leaves.
		 */
		public static Reply paced(String piece, Duration every) {
			return new Reply((response) -> events(response)
				.sendString(Flux.just(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null))
					.concatWith(Flux.interval(every)
						.take(10_000)
						.map((tick) -> chunk("{\"content\":" + JSON.writeValueAsString(piece) + "}", null)))
					.map((chunk) -> "data: " + chunk + "\n\n")));
		}

		/**
		 * A streamed text answer like {@link #text}, one piece every {@code every}: a client sees
		 * it arrive in as many pieces, however fast it reads.
		 */
		public static Reply pacedText(Duration every, String... pieces) {
			return new Reply((response) -> events(response)
				.sendString(Flux.just(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null))
					.concatWith(Flux.fromArray(pieces)
						.delayElements(every)
						.map((piece) -> chunk("{\"content\":" + JSON.writeValueAsString(piece) + "}", null)))
					.concatWithValues(chunk("{}", "stop"), usage(11, pieces.length))
					.map((chunk) -> "data: " + chunk + "\n\n")
					.concatWithValues("data: [DONE]\n\n")));
		}

		/** A streamed text answer the way vLLM sends one: role, the pieces, the finish, the usage. */
		public static Reply text(String... pieces) {
			List<String> chunks = new ArrayList<>();
			chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
			for (String piece : pieces) {
				chunks.add(chunk("{\"content\":" + JSON.writeValueAsString(piece) + "}", null));
			}
			chunks.add(chunk("{}", "stop"));
			chunks.add(usage(11, pieces.length));
			return stream(chunks);
		}

		/** Some chunks, then the rest once {@code gate} completes (the test says when), then {@code [DONE]}. */
		public static Reply gated(List<String> before, Mono<Void> gate, List<String> after) {
			return new Reply((response) -> events(response).sendString(Flux.fromIterable(before)
				.concatWith(gate.thenMany(Flux.fromIterable(after)))
				.map((chunk) -> "data: " + chunk + "\n\n")
				.concatWithValues("data: [DONE]\n\n")
				.doOnCancel(ABANDONED::incrementAndGet)));
		}

		/**
		 * A long answer: {@code piece} every {@code every} until {@code gate} completes (the test
		 * says when), then {@code after} and {@code [DONE]}. Never silent for long, so no read
		 * timeout ends it.
		 */
		public static Reply pacedUntil(String piece, Duration every, Mono<Void> gate, List<String> after) {
			return new Reply((response) -> events(response)
				.sendString(Flux.just(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null))
					.concatWith(Flux.interval(every)
						.map((tick) -> chunk("{\"content\":" + JSON.writeValueAsString(piece) + "}", null))
						.takeUntilOther(gate))
					.concatWith(Flux.fromIterable(after))
					.map((chunk) -> "data: " + chunk + "\n\n")
					.concatWithValues("data: [DONE]\n\n")));
		}

		/** Some chunks, then silence: the connection stays open and nothing more comes. */
		public static Reply stall(List<String> chunks) {
			return new Reply((response) -> events(response)
				.sendString(Flux.fromIterable(chunks).map((chunk) -> "data: " + chunk + "\n\n").concatWith(Flux.never())));
		}

		/** Some chunks, then the connection is cut without ending the response. */
		public static Reply reset(List<String> chunks) {
			return new Reply((response) -> events(response)
				.sendString(Flux.fromIterable(chunks).map((chunk) -> "data: " + chunk + "\n\n"))
				.then()
				.then(Mono.defer(() -> {
					response.withConnection(Connection::dispose);
					return Mono.<Void>never();
				})));
		}

		/** An embeddings answer with {@code vectors} vectors of {@code dimensions}. */
		public static Reply embedding(int vectors, int dimensions) {
			return new Reply((response) -> {
				ObjectNode body = JSON.createObjectNode();
				body.put("object", "list");
				ArrayNode data = body.putArray("data");
				for (int v = 0; v < vectors; v++) {
					ArrayNode vector = data.addObject().put("object", "embedding").put("index", v).putArray("embedding");
					for (int i = 0; i < dimensions; i++) {
						vector.add(0.25 * (i + 1) + v);
					}
				}
				body.put("model", "scripted");
				body.putObject("usage").put("prompt_tokens", 5).put("total_tokens", 5);
				response.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
				return response.sendString(Mono.just(body.toString()));
			});
		}

		/** Never answers at all. */
		public static Reply silence() {
			return new Reply((response) -> Mono.never());
		}

		private static HttpServerResponse events(HttpServerResponse response) {
			return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
		}

	}

	/** A tool call a scripted model proposes: its id, the tool's name, the arguments as JSON text. */
	public record ToolCall(String id, String name, String arguments) {
	}

	/** A {@code chat.completion.chunk} with one choice. */
	public static String chunk(String delta, String finishReason) {
		return "{\"id\":\"cmpl-scripted\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
				+ "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
				+ ((finishReason != null) ? "\"" + finishReason + "\"" : "null") + "}]}";
	}

	/** The last chunk of a stream asked for with {@code include_usage}: no choices, the usage. */
	public static String usage(int prompt, int completion) {
		return "{\"id\":\"cmpl-scripted\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
				+ "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
				+ ",\"total_tokens\":" + (prompt + completion) + "}}";
	}

	/** Convenience for tests that wait on the server: how long the slowest scripted failure takes. */
	public static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

}
