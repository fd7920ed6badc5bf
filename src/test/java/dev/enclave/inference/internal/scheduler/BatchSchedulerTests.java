package dev.enclave.inference.internal.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ai.djl.ndarray.types.DataType;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DjlRuntime;
import dev.enclave.inference.internal.engine.DeviceSpec;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.Generator;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching scheduler driven step by step on a tiny real model (context
 * {@value TinyCheckpoints#CONTEXT}), with a clock the test moves: every assertion is about
 * the scheduler's state after a given step, never about time passing. Answers are greedy, so
 * "correct" means the very text the request gets running alone.
 */
class BatchSchedulerTests {

	private static final Function<int[], String> DECODER = (ids) -> Arrays.stream(ids)
		.mapToObj((id) -> "<" + id + ">")
		.collect(Collectors.joining());

	private static final TenantId ACME = new TenantId(UUID.randomUUID());

	private static final TenantId GLOBEX = new TenantId(UUID.randomUUID());

	@TempDir
	static Path directory;

	private static DecoderModel model;

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeAll
	static void load() {
		Path checkpoint = TinyCheckpoints.write(directory, TinyCheckpoints.Kind.LLAMA, 61);
		try (Checkpoint opened = Checkpoint.open(checkpoint, null)) {
			model = DecoderModel.load("tiny", opened, DjlRuntime.resolve(DeviceSpec.parse("cpu")), DataType.FLOAT32, 0);
		}
	}

	@AfterAll
	static void close() {
		model.close();
	}

	private static SchedulerLimits limits(int seqs, int batchedTokens, long kvTokens, int queue) {
		return new SchedulerLimits(seqs, batchedTokens, kvTokens, queue, Duration.ofSeconds(2), Duration.ofSeconds(2),
				Duration.ofSeconds(1));
	}

	private BatchScheduler scheduler(LanguageModel engine, SchedulerLimits limits, boolean prefixes) {
		return new BatchScheduler("tiny-0", engine, limits,
				prefixes ? new PrefixCache(64L << 20, Duration.ofMinutes(10).toNanos(), this.clock::get) : null,
				new SchedulerMetrics(this.meters, "tiny"), this.clock::get);
	}

	private static GenerationTask task(int[] prompt, int maxTokens, TenantId tenant, Priority priority,
			Recorder recorder) {
		GenerationRequest request = new GenerationRequest(prompt, maxTokens, SamplingParams.GREEDY,
				Set.of(TinyCheckpoints.END), List.of());
		return new GenerationTask(new Decoding(request, DECODER, model.maxContext()), prompt, tenant, priority, recorder);
	}

	/** The answer the request gets alone, from the single-stream loop. */
	private static String alone(int[] prompt, int maxTokens) {
		StringBuilder text = new StringBuilder();
		new Generator(model, DECODER).generate(
				new GenerationRequest(prompt, maxTokens, SamplingParams.GREEDY, Set.of(TinyCheckpoints.END), List.of()),
				text::append, () -> false);
		return text.toString();
	}

	private static void runUntilDone(BatchScheduler scheduler, List<Recorder> recorders) {
		for (int step = 0; step < 5_000 && !recorders.stream().allMatch(Recorder::done); step++) {
			scheduler.step();
		}
		assertThat(recorders).allMatch(Recorder::done);
	}

	private static int[] prompt(int length, long seed) {
		Random random = new Random(seed);
		return IntStream.range(0, length).map((i) -> 1 + random.nextInt(250)).toArray();
	}

	@Test
	void requestsRunTogetherAndEachGetsTheAnswerItGetsAlone() {
		SteppedModel engine = new SteppedModel(model);
		BatchScheduler scheduler = scheduler(engine, limits(4, 64, 10_000, 100), false);
		List<Recorder> recorders = new ArrayList<>();
		List<int[]> prompts = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			prompts.add(prompt(5 + 7 * i, i));
			Recorder recorder = new Recorder();
			recorders.add(recorder);
			scheduler.submit(task(prompts.get(i), 30, ACME, Priority.INTERACTIVE, recorder));
		}
		runUntilDone(scheduler, recorders);
		for (int i = 0; i < 6; i++) {
			assertThat(recorders.get(i).error).isNull();
			assertThat(recorders.get(i).text()).as("request " + i).isEqualTo(alone(prompts.get(i), 30));
			assertThat(recorders.get(i).promptTokens).isEqualTo(prompts.get(i).length);
		}
		assertThat(engine.steps.stream().mapToInt(List::size).max().getAsInt()).as("largest batch").isEqualTo(4);
		assertThat(scheduler.running()).isZero();
		assertThat(scheduler.outstanding()).isZero();
		assertThat(scheduler.kvTokensUsed()).isZero();
	}

	@Test
	void decodingComesFirstAndALongPromptIsPrefilledInChunks() {
		SteppedModel engine = new SteppedModel(model);
		BatchScheduler scheduler = scheduler(engine, limits(4, 8, 10_000, 100), false);
		Recorder first = new Recorder();
		scheduler.submit(task(prompt(3, 1), 20, ACME, Priority.INTERACTIVE, first));
		scheduler.step();
		Recorder second = new Recorder();
		scheduler.submit(task(prompt(20, 2), 5, ACME, Priority.INTERACTIVE, second));
		scheduler.step();
		scheduler.step();
		scheduler.step();
		// The decoding sequence takes its token first; the 20-token prompt fills the rest of
		// each 8-token step, and only its last piece asks for logits.
		assertThat(engine.steps.subList(1, 4)).containsExactly(List.of(1, 7), List.of(1, 7), List.of(1, 6));
		assertThat(engine.wanted.subList(1, 4)).containsExactly(List.of(true, false), List.of(true, false),
				List.of(true, true));
		runUntilDone(scheduler, List.of(first, second));
		assertThat(second.text()).isEqualTo(alone(prompt(20, 2), 5));
	}

	@Test
	void anInteractiveRequestStartsBeforeQueuedBatchWorkAndBatchWorkDoesNotStarve() {
		BatchScheduler scheduler = scheduler(model, limits(1, 64, 10_000, 100), false);
		Recorder running = new Recorder();
		scheduler.submit(task(prompt(4, 9), 3, ACME, Priority.INTERACTIVE, running));
		scheduler.step();
		List<Recorder> batch = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			batch.add(new Recorder());
			scheduler.submit(task(prompt(4, 10 + i), 3, ACME, Priority.BATCH, batch.get(i)));
		}
		Recorder interactive = new Recorder();
		scheduler.submit(task(prompt(4, 20), 3, GLOBEX, Priority.INTERACTIVE, interactive));
		runUntilDone(scheduler, List.of(running, interactive));
		assertThat(batch).as("the interactive request went first").noneMatch(Recorder::done);
		// A stream of interactive work more than a turn long: a batch request that has waited
		// its aging time counts as interactive and gets its tenant's turn in between.
		this.clock.addAndGet(Duration.ofMillis(1500).toNanos());
		List<Recorder> flood = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			flood.add(new Recorder());
			scheduler.submit(task(prompt(4, 30 + i), 3, GLOBEX, Priority.INTERACTIVE, flood.get(i)));
		}
		runUntilDone(scheduler, List.of(batch.get(0)));
		assertThat(flood).as("aged batch work started while interactive work still waited").anyMatch((r) -> !r.done());
		runUntilDone(scheduler, flood);
		runUntilDone(scheduler, batch);
	}

	@Test
	void tenantsShareTheStartsFairly() {
		BatchScheduler scheduler = scheduler(model, limits(1, 64, 10_000, 100), false);
		List<String> starts = new ArrayList<>();
		List<Recorder> all = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			all.add(startRecorder(starts, "acme"));
			scheduler.submit(task(prompt(6, 40 + i), 1, ACME, Priority.INTERACTIVE, all.get(all.size() - 1)));
		}
		for (int i = 0; i < 3; i++) {
			all.add(startRecorder(starts, "globex"));
			scheduler.submit(task(prompt(6, 60 + i), 1, GLOBEX, Priority.INTERACTIVE, all.get(all.size() - 1)));
		}
		runUntilDone(scheduler, all);
		// Globex's three come within its share: at most four of acme's tiny prompts per turn.
		List<Integer> globex = IntStream.range(0, starts.size()).filter((i) -> starts.get(i).equals("globex")).boxed()
			.toList();
		assertThat(globex).hasSize(3);
		assertThat(globex.get(0)).isLessThanOrEqualTo(4);
		assertThat(globex.get(1) - globex.get(0)).isLessThanOrEqualTo(5);
		assertThat(globex.get(2) - globex.get(1)).isLessThanOrEqualTo(5);
	}

	/** Records, in order, which tenant's request finished (one-token answers finish in the step they start). */
	private static Recorder startRecorder(List<String> starts, String tenant) {
		return new Recorder() {

			@Override
			public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
				starts.add(tenant);
				super.onFinish(reason, promptTokens, completionTokens);
			}

		};
	}

	@Test
	void aCancelledRequestLeavesTheBatchAndFreesItsKvAtTheNextStep() {
		BatchScheduler scheduler = scheduler(model, limits(4, 64, 10_000, 100), false);
		Recorder kept = new Recorder();
		Recorder left = new Recorder();
		scheduler.submit(task(prompt(10, 3), 60, ACME, Priority.INTERACTIVE, kept));
		GenerationTask leaving = task(prompt(10, 4), 60, GLOBEX, Priority.INTERACTIVE, left);
		scheduler.submit(leaving);
		scheduler.step();
		scheduler.step();
		assertThat(scheduler.running()).isEqualTo(2);
		long before = scheduler.kvTokensUsed();
		int pieces = left.pieces.size();
		leaving.cancel();
		scheduler.step();
		assertThat(scheduler.running()).isEqualTo(1);
		assertThat(scheduler.kvTokensUsed()).isLessThan(before);
		assertThat(leaving.sequence).isNull();
		assertThat(left.pieces).hasSize(pieces);
		assertThat(left.done()).as("nobody is told: the client has gone").isFalse();
		assertThat(scheduler.outstanding()).isEqualTo(1);
	}

	@Test
	void aFullQueueRefusesAtOnceAndAPassedDeadlineRefusesWithRetryAfter() {
		BatchScheduler scheduler = scheduler(model, limits(1, 64, 10_000, 2), false);
		Recorder running = new Recorder();
		scheduler.submit(task(prompt(4, 5), 100, ACME, Priority.INTERACTIVE, running));
		scheduler.step();
		Recorder first = new Recorder();
		Recorder second = new Recorder();
		Recorder third = new Recorder();
		scheduler.submit(task(prompt(4, 6), 5, ACME, Priority.INTERACTIVE, first));
		scheduler.submit(task(prompt(4, 7), 5, ACME, Priority.INTERACTIVE, second));
		scheduler.submit(task(prompt(4, 8), 5, ACME, Priority.INTERACTIVE, third));
		assertOverloaded(third);
		assertThat(first.done()).isFalse();
		scheduler.step();
		this.clock.addAndGet(Duration.ofMillis(2001).toNanos());
		scheduler.step();
		assertOverloaded(first);
		assertOverloaded(second);
		assertThat(running.done()).isFalse();
		assertThat(scheduler.waiting()).isZero();
		assertThat(scheduler.outstanding()).as("only the running one is in hand").isEqualTo(1);
	}

	private static void assertOverloaded(Recorder recorder) {
		assertThat(recorder.error).isInstanceOf(ApiException.class);
		ApiException error = (ApiException) recorder.error;
		assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
		assertThat(error.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
		assertThat(recorder.ends).isEqualTo(1);
	}

	@Test
	void anOutOfMemoryStepLosesNothingStreamsNothingTwiceAndTheLimitRecoversGradually() {
		SteppedModel engine = new SteppedModel(model);
		engine.failStep(4, new RuntimeException("CUDA out of memory. Tried to allocate 2.00 GiB"));
		BatchScheduler scheduler = scheduler(engine, limits(4, 64, 10_000, 100), false);
		List<Recorder> recorders = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			recorders.add(new Recorder());
			scheduler.submit(task(prompt(6 + i, 70 + i), 25, ACME, Priority.INTERACTIVE, recorders.get(i)));
		}
		for (int i = 0; i < 5; i++) {
			scheduler.step();
		}
		assertThat(scheduler.effectiveMaxSeqs()).isEqualTo(2);
		assertThat(this.meters.counter("enclave.inference.oom.recoveries", "model", "tiny").count()).isEqualTo(1);
		runUntilDone(scheduler, recorders);
		for (int i = 0; i < 4; i++) {
			assertThat(recorders.get(i).error).isNull();
			assertThat(recorders.get(i).text()).as("request " + i).isEqualTo(alone(prompt(6 + i, 70 + i), 25));
		}
		assertThat(engine.steps.stream().skip(5).mapToInt(List::size).max().getAsInt()).isLessThanOrEqualTo(3);
		// Clean steps bring the limit back, one sequence at a time.
		List<Recorder> more = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			more.add(new Recorder());
			scheduler.submit(task(prompt(5, 80 + i), 40, ACME, Priority.INTERACTIVE, more.get(i)));
		}
		long stepsBefore = scheduler.steps();
		int limit = scheduler.effectiveMaxSeqs();
		while (scheduler.steps() - stepsBefore < BatchScheduler.RECOVERY_STEPS) {
			scheduler.step();
		}
		assertThat(scheduler.effectiveMaxSeqs()).isEqualTo(limit + 1);
		runUntilDone(scheduler, more);
	}

	@Test
	void preemptionUnderATinyKvBudgetStillCompletesEveryRequestCorrectly() {
		// Room for about two sequences' caches: as they grow, the newest is preempted and
		// recomputed later.
		BatchScheduler scheduler = scheduler(model, limits(4, 64, 150, 100), false);
		List<Recorder> recorders = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			recorders.add(new Recorder());
			scheduler.submit(task(prompt(20, 90 + i), 45, ACME, Priority.INTERACTIVE, recorders.get(i)));
		}
		runUntilDone(scheduler, recorders);
		assertThat(this.meters.counter("enclave.inference.preemptions", "model", "tiny").count()).isPositive();
		for (int i = 0; i < 4; i++) {
			assertThat(recorders.get(i).error).isNull();
			assertThat(recorders.get(i).text()).as("request " + i).isEqualTo(alone(prompt(20, 90 + i), 45));
			assertThat(recorders.get(i).completionTokens).isPositive();
		}
	}

	@Test
	void aPrefixHitGivesTheAnswerOfAMissAndNoTenantHitsAnothersPrefix() {
		BatchScheduler scheduler = scheduler(model, limits(4, 256, 10_000, 100), true);
		int[] prompt = prompt(80, 99);
		Recorder miss = run(scheduler, prompt, ACME);
		PrefixCache cache = scheduler.prefixCache();
		assertThat(cache.hitTokens()).isZero();
		assertThat(cache.blocks()).isEqualTo(2);
		Recorder hit = run(scheduler, prompt, ACME);
		assertThat(cache.hitTokens()).isEqualTo(64);
		assertThat(hit.text()).isEqualTo(miss.text()).isEqualTo(alone(prompt, 20));
		Recorder otherTenant = run(scheduler, prompt, GLOBEX);
		assertThat(cache.hitTokens()).as("another tenant found nothing").isEqualTo(64);
		assertThat(otherTenant.text()).isEqualTo(miss.text());
		// Erasing a tenant's data drops its blocks.
		scheduler.eraseTenant(ACME);
		scheduler.step();
		run(scheduler, prompt, ACME);
		assertThat(cache.hitTokens()).isEqualTo(64);
		assertThat(this.meters.counter("enclave.inference.prefix.cache.hits", "model", "tiny").count()).isEqualTo(64);
		assertThat(this.meters.counter("enclave.inference.prefix.cache.queries", "model", "tiny").count())
			.isEqualTo(4 * 64);
	}

	private Recorder run(BatchScheduler scheduler, int[] prompt, TenantId tenant) {
		Recorder recorder = new Recorder();
		scheduler.submit(task(prompt, 20, tenant, Priority.INTERACTIVE, recorder));
		runUntilDone(scheduler, List.of(recorder));
		assertThat(recorder.error).isNull();
		return recorder;
	}

	@Test
	void aRequestThatCouldNeverFitTheKvBudgetIsRefusedAtOnce() {
		BatchScheduler scheduler = scheduler(model, limits(4, 64, 50, 100), false);
		Recorder recorder = new Recorder();
		scheduler.submit(task(prompt(30, 1), 40, ACME, Priority.INTERACTIVE, recorder));
		assertOverloaded(recorder);
		assertThat(((ApiException) recorder.error).getMessage()).contains("70 tokens").contains("50");
	}

}
