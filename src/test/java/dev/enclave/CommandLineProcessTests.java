package dev.enclave;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.shared.CommandFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as an operator runs it: a separate JVM started with the jar's main class,
 * so exit codes are the process's own and nothing of a test's context is shared. The model
 * commands start no Spring application: no web server, no database.
 */
class CommandLineProcessTests {

	private static final String SPRING_STARTED = "Started EnclaveApplication";

	@TempDir
	Path dir;

	private HttpServer hub;

	private final List<String> authorizations = new ArrayList<>();

	@BeforeEach
	void startAFakeHub() throws Exception {
		this.hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		byte[] config = "{\"architectures\":[\"Demo\"]}".getBytes(StandardCharsets.UTF_8);
		byte[] weights = new byte[300_000];
		new java.util.Random(3).nextBytes(weights);
		String listing = "{\"sha\":\"" + "c".repeat(40) + "\",\"siblings\":["
				+ "{\"rfilename\":\"config.json\",\"size\":" + config.length + ",\"blobId\":\"" + gitBlobId(config) + "\"},"
				+ "{\"rfilename\":\"model.safetensors\",\"size\":" + weights.length + ",\"blobId\":\"" + "b".repeat(40)
				+ "\",\"lfs\":{\"sha256\":\"" + sha256(weights) + "\",\"size\":" + weights.length
				+ ",\"pointerSize\":134}}]}";
		this.hub.createContext("/", (exchange) -> {
			synchronized (this.authorizations) {
				this.authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			}
			String path = exchange.getRequestURI().getPath();
			if (path.equals("/api/models/acme/tiny/revision/main")) {
				respond(exchange, listing.getBytes(StandardCharsets.UTF_8));
			}
			else if (path.equals("/acme/tiny/resolve/" + "c".repeat(40) + "/config.json")) {
				respond(exchange, config);
			}
			else if (path.equals("/acme/tiny/resolve/" + "c".repeat(40) + "/model.safetensors")) {
				respond(exchange, weights);
			}
			else {
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
			}
		});
		this.hub.start();
	}

	@AfterEach
	void stopTheHub() {
		this.hub.stop(0);
	}

	@Test
	void modelVerifyStartsNothingAndEndsWithItsExitCode() throws Exception {
		Path model = TinyCheckpoints.write(this.dir.resolve("tiny"), TinyCheckpoints.Kind.LLAMA, 2);
		Run verified = run(Map.of(), "model", "verify", model.toString());
		assertThat(verified.code()).as(verified.output()).isZero();
		assertThat(verified.output()).contains("SHA256SUMS sha256: " + Sha256Manifest.read(model, null).digest())
			.doesNotContain(SPRING_STARTED)
			.doesNotContain("Netty started");

		Path weights = model.resolve("model.safetensors");
		byte[] bytes = Files.readAllBytes(weights);
		bytes[7] ^= 0x10;
		Files.write(weights, bytes);
		Run flipped = run(Map.of(), "model", "verify", model.toString());
		assertThat(flipped.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(flipped.output()).contains("model.safetensors in ").contains("does not match SHA256SUMS");

		assertThat(run(Map.of(), "model", "verify").code()).isEqualTo(CommandFailure.USAGE);
	}

	@Test
	void modelPullThroughAMirrorThenVerify() throws Exception {
		String mirror = "http://127.0.0.1:" + this.hub.getAddress().getPort();
		Path target = this.dir.resolve("pulled");
		Run pulled = run(Map.of("HF_ENDPOINT", mirror, "HF_TOKEN", "hf_secret_token"), "model", "pull", "acme/tiny",
				"--dir", target.toString());
		assertThat(pulled.code()).as(pulled.output()).isZero();
		assertThat(pulled.output()).contains("Pulled acme/tiny at " + "c".repeat(40) + ": 2 files")
			.doesNotContain("hf_secret_token")
			.doesNotContain(SPRING_STARTED);
		assertThat(target.resolve("SHA256SUMS")).exists();
		synchronized (this.authorizations) {
			assertThat(this.authorizations).isNotEmpty().allMatch("Bearer hf_secret_token"::equals);
		}
		assertThat(run(Map.of(), "model", "verify", target.toString()).code()).isZero();
		assertThat(run(Map.of(), "model", "list", "--dir", this.dir.toString()).output()).contains("pulled");
	}

	@Test
	void anUnreachableHubIsExitCodeThree() throws Exception {
		Run run = run(Map.of("HF_ENDPOINT", "http://127.0.0.1:1"), "model", "pull", "acme/tiny", "--dir",
				this.dir.resolve("never").toString());
		assertThat(run.code()).as(run.output()).isEqualTo(CommandFailure.UNAVAILABLE);
		assertThat(this.dir.resolve("never/SHA256SUMS")).doesNotExist();
	}

	private Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), EnclaveApplication.class.getName()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("HF_ENDPOINT");
		builder.environment().remove("HF_TOKEN");
		builder.environment().putAll(environment);
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the command ends").isTrue();
		return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	private static void respond(HttpExchange exchange, byte[] body) throws IOException {
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	private static String gitBlobId(byte[] bytes) throws Exception {
		MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
		sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
		return HexFormat.of().formatHex(sha1.digest(bytes));
	}

	record Run(int code, String output) {
	}

}
