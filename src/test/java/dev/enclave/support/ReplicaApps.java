package dev.enclave.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.enclave.EnclaveApplication;
import dev.enclave.storage.internal.EmbeddedPostgresServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Another instance of the application beside the shared one, on the same database and data
 * directory (so the same signing key and API keys), with settings of its own: a second
 * replica, or one configured to fail in a way a test needs.
 */
public final class ReplicaApps {

	private ReplicaApps() {
	}

	/** Starts an instance with the test defaults and {@code extra} arguments ({@code --name=value}). */
	public static ConfigurableApplicationContext start(String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--enclave.db.url=" + TestDatabase.server().jdbcUrl(),
				"--enclave.db.user=" + EmbeddedPostgresServer.USER, "--enclave.data-dir=" + TestDatabase.dataDir(),
				"--enclave.admin.password=" + Identities.ADMIN_PASSWORD, "--enclave.assistant.max-answer-tokens=16"));
		for (String tier : new String[] { "key", "user", "tenant" }) {
			args.add("--enclave.ratelimit." + tier + ".requests-per-minute=10000000");
			args.add("--enclave.ratelimit." + tier + ".tokens-per-minute=1000000000");
			args.add("--enclave.ratelimit." + tier + ".tokens-per-day=100000000000");
			args.add("--enclave.ratelimit." + tier + ".concurrent-requests=100000");
		}
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(EnclaveApplication.class).run(args.toArray(String[]::new));
	}

	/** A client on a real socket to that instance. */
	public static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl(baseUrl(context))
			.responseTimeout(Duration.ofSeconds(30))
			// A scrape after a whole suite's traffic is a few hundred KB: more than the codecs' default.
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

	public static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	/** The instance's Prometheus scrape. */
	public static String prometheus(ConfigurableApplicationContext context) {
		return new String(client(context).get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
	}

}
