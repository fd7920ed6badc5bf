package bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An OpenAI-compatible model server that answers at once, for measuring what Enclave adds
 * in front of one: {@code POST /v1/chat/completions} streams {@code chunks} content chunks,
 * a finish chunk with usage and {@code [DONE]} (or one JSON completion without
 * {@code "stream":true}); {@code GET /v1/models} lists {@code bench-model}. A streamed request
 * that shows the model {@code knowledge_base_search} and carries no tool result yet is
 * answered with one call of it instead, so a turn with Enclave's tools makes exactly one
 * round. No model, no delays: everything measured is HTTP, parsing and Enclave's own work.
 *
 * <pre>java bench.FakeModelServer &lt;port&gt; &lt;chunks&gt;</pre>
 */
public final class FakeModelServer {

	public static void main(String[] args) throws InterruptedException {
		int port = Integer.parseInt(args[0]);
		int chunks = Integer.parseInt(args[1]);
		String chunk = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
				+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"},"
				+ "\"finish_reason\":null}]}\n\n";
		String last = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
				+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
				+ "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + chunks + ",\"total_tokens\":"
				+ (12 + chunks) + "}}\n\ndata: [DONE]\n\n";
		String whole = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"bench-model\","
				+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
				+ "word ".repeat(chunks) + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
				+ "\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (12 + chunks) + "}}";
		String toolCall = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
				+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
				+ "\"id\":\"call_kb\",\"type\":\"function\",\"function\":{\"name\":\"knowledge_base_search\","
				+ "\"arguments\":\"{\\\"query\\\":\\\"refund\\\"}\"}}]},\"finish_reason\":null}]}\n\n"
				+ "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
				+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
				+ "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":12,\"total_tokens\":52}}\n\ndata: [DONE]\n\n";
		String models = "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\",\"created\":1,"
				+ "\"owned_by\":\"bench\"}]}";
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route((routes) -> routes.get("/v1/models",
					(request, response) -> response.header("content-type", "application/json").sendString(Flux.just(models)))
				.post("/v1/chat/completions", (request, response) -> request.receive()
					.aggregate()
					.asString(StandardCharsets.UTF_8)
					.flatMapMany((body) -> {
						if (body.contains("\"knowledge_base_search\"") && !body.contains("\"role\":\"tool\"")) {
							return response.header("content-type", "text/event-stream").sendString(Flux.just(toolCall));
						}
						if (!body.contains("\"stream\":true")) {
							return response.header("content-type", "application/json")
								.sendString(Flux.just(whole));
						}
						return response.header("content-type", "text/event-stream")
							.send(Flux.range(0, chunks + 1)
								.map((i) -> Unpooled.wrappedBuffer(((i < chunks) ? chunk : last)
									.getBytes(StandardCharsets.UTF_8))), (buffer) -> true);
					})))
			.bindNow();
		System.out.println("READY " + server.port());
		new CountDownLatch(1).await();
	}

}
