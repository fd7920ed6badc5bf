package dev.enclave.tools.internal.mcp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.tools.Tool;
import dev.enclave.tools.internal.ToolFailure;
import dev.enclave.tools.internal.ToolsSettings;
import dev.enclave.tools.internal.http.EgressHttpClient;
import dev.enclave.tools.internal.http.EgressPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The egress policy holds for MCP servers as for HTTP tools: on the address a name resolves to. */
class McpConnectionTests {

	private final LoopResources loops = LoopResources.create("mcp-connection-test", 1, true);

	private final AtomicInteger requests = new AtomicInteger();

	private final DisposableServer server = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.runOn(this.loops)
		.handle((request, response) -> {
			this.requests.incrementAndGet();
			return response.status(404).send();
		})
		.bindNow();

	private final EgressHttpClient egress = new EgressHttpClient("mcp-connection-test-client",
			EgressPolicy.allowing(List.of("mcp.corp.example")), (host) -> List.of(InetAddress.getByName("127.0.0.1")),
			4);

	@AfterEach
	void close() {
		this.egress.close();
		this.server.disposeNow();
		this.loops.dispose();
	}

	@Test
	void anAllowedNameThatResolvesToLoopbackIsNeverConnectedTo() {
		ToolsSettings.McpServer settings = McpTestServers.http("desk",
				"http://mcp.corp.example:" + this.server.port() + "/mcp", Map.of());
		List<List<Tool>> published = new CopyOnWriteArrayList<>();
		McpConnection connection = new McpConnection(settings,
				McpTransports.streamableHttp(settings, this.egress, Map.of(), 1 << 20),
				(source, tools) -> published.add(tools));

		connection.check().block(Duration.ofSeconds(20));

		assertThat(this.requests).as("no request reached the server").hasValue(0);
		assertThat(published).allSatisfy((tools) -> assertThat(tools).isEmpty());
		StepVerifier.create(connection.call("lookup_order", Map.of()))
			.expectErrorSatisfies((failure) -> assertThat(failure).isInstanceOf(ToolFailure.class)
				.hasMessage("The MCP server desk is not connected."))
			.verify(Duration.ofSeconds(5));
	}

}
