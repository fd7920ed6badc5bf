package dev.enclave.inference.internal.hub;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress is one redrawn line on a terminal and a few log lines per file elsewhere. */
@Timeout(60)
class ModelPullProgressTests {

	private static final String TOKEN = "hf_s3cr3tT0ken";

	@TempDir
	Path temp;

	private FakeHub hub;

	private Logger logger;

	private ListAppender<ILoggingEvent> appender;

	@BeforeEach
	void start() {
		this.hub = FakeHub.start("localhost").publish(FakeHub.REPO, FakeHub.sampleFiles());
		this.hub.requireToken(TOKEN);
		this.logger = (Logger) LoggerFactory.getLogger("model-pull-test." + UUID.randomUUID());
		this.logger.setLevel(Level.INFO);
		this.logger.setAdditive(false);
		this.appender = new ListAppender<>();
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void stop() {
		this.hub.close();
		this.logger.detachAppender(this.appender);
	}

	private PullResult pull(PullProgress progress) throws Exception {
		return new ModelPuller(ModelPuller.httpClient(),
				HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", this.hub.url(), "HF_TOKEN", TOKEN)), progress)
			.pull(Pulls.request(this.temp.resolve("model"), 4));
	}

	private List<String> lines() {
		return this.appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	@Test
	void theLogSaysWhenEachFileStartsAndIsVerifiedAndNeverShowsTheToken() throws Exception {
		pull(PullProgress.log(this.logger));

		assertThat(lines()).first().asString().startsWith("Pulling acme/tiny-model at commit " + FakeHub.COMMIT + ": 4 files");
		assertThat(lines()).contains("Downloading config.json (34 B)", "Verified config.json (34 B)",
				"Downloading model.safetensors (3.0 MiB)", "Verified model.safetensors (3.0 MiB)",
				"Verified onnx/model.onnx (19.5 KiB)");
		assertThat(lines()).filteredOn((line) -> line.startsWith("Downloading ")).hasSize(4);
		assertThat(lines()).filteredOn((line) -> line.startsWith("Verified ")).hasSize(4);
		// Three megabytes are not large: no line per quarter.
		assertThat(lines()).noneMatch((line) -> line.contains("%"));
		assertThat(lines()).last().asString().startsWith("Pulled 4 files (");
		assertThat(lines()).noneMatch((line) -> line.contains(TOKEN));

		this.appender.list.clear();
		pull(PullProgress.log(this.logger));
		assertThat(lines()).contains("Verified config.json (34 B), already present").noneMatch((line) -> line.startsWith("Downloading"));
	}

	@Test
	void aLargeFileIsLoggedAtMostEveryQuarter() throws Exception {
		pull(new ProgressLog(this.logger, 1 << 20));

		assertThat(lines()).filteredOn((line) -> line.startsWith("model.safetensors: "))
			.extracting((line) -> line.substring(0, line.indexOf('%') + 1))
			.containsExactly("model.safetensors: 25%", "model.safetensors: 50%", "model.safetensors: 75%");
		assertThat(lines()).noneMatch((line) -> line.startsWith("tokenizer.json: "));
	}

	@Test
	void theBarRedrawsOneLineUpToAHundredPercent() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

		pull(PullProgress.bar(out));

		String printed = bytes.toString(StandardCharsets.UTF_8);
		assertThat(printed).startsWith("\r0/4 files  0 B/3.0 MiB  0%");
		assertThat(printed).contains("\r4/4 files  3.0 MiB/3.0 MiB  100%").endsWith(System.lineSeparator());
		assertThat(printed.strip()).doesNotContain("\n");
	}

	@Test
	void theBarShowsBytesPercentAndRate() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		AtomicLong clock = new AtomicLong();
		ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);

		bar.pullStarted(FakeHub.REPO, FakeHub.COMMIT, 2, 4 << 20);
		bar.fileStarted("a.bin", 2 << 20, 0);
		clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
		bar.fileProgress("a.bin", 1 << 20, 1 << 20, 2 << 20);
		bar.fileStarted("b.bin", 2 << 20, 1 << 20);

		String printed = bytes.toString(StandardCharsets.UTF_8);
		String last = printed.substring(printed.lastIndexOf('\r'));
		assertThat(last).startsWith("\r0/2 files  2.0 MiB/4.0 MiB  50%  1.0 MiB/s");
		assertThat(printed.chars().filter((c) -> c == '\r').count()).isEqualTo(4);
	}

}
