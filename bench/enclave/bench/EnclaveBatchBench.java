package bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.internal.scheduler.GenerationTask;
import dev.enclave.inference.internal.scheduler.ModelReplicas;
import dev.enclave.inference.internal.scheduler.SchedulerLimits;
import dev.enclave.inference.internal.scheduler.TaskListener;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The Enclave side of the batching benchmark (see batch.sh), through the real scheduler:
 * <ul>
 * <li>{@code concurrency}: N streams submitted at once, each decoding exactly T tokens
 * greedily; aggregate tokens/s over the whole run and over the decode phase (from the last
 * stream's first token to the end), and time to first token p50/p99;</li>
 * <li>{@code prefix}: requests one after another that share a long system prompt, with and
 * without prefix reuse: time to first token p50/p99;</li>
 * <li>{@code overhead}: milliseconds per decode step at batch size 1 and 16.</li>
 * </ul>
 */
public final class EnclaveBatchBench {

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[1]);
		DataType type = DataType.valueOf(args[2]);
		try (Checkpoint checkpoint = Checkpoint.open(directory, null);
				DecoderModel model = DecoderModel.load("bench", checkpoint, Device.cpu(), type, 0)) {
			switch (args[0]) {
				case "concurrency" -> concurrency(model, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
				case "prefix" -> prefix(model, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
				case "overhead" -> overhead(model);
				default -> throw new IllegalArgumentException(args[0]);
			}
		}
	}

	static void concurrency(DecoderModel model, int streams, int tokens) throws InterruptedException {
		// A warm-up round at the same concurrency: JIT and PyTorch's first calls out of the way.
		round(model, streams, 16);
		Round round = round(model, streams, tokens);
		System.out.printf("RESULT concurrency engine=enclave dtype=%s streams=%d tokens=%d wall_s=%.2f "
				+ "aggregate_tps=%.2f decode_tps=%.2f ttft_p50_ms=%.0f ttft_p99_ms=%.0f%n", model.type(), streams, tokens,
				round.wallSeconds, streams * tokens / round.wallSeconds, round.decodeTps, percentile(round.ttftMs, 50),
				percentile(round.ttftMs, 99));
	}

	record Round(double wallSeconds, double decodeTps, double[] ttftMs) {
	}

	static Round round(DecoderModel model, int streams, int tokens) throws InterruptedException {
		SchedulerLimits limits = new SchedulerLimits(Math.max(streams, 1), Math.max(512, streams), 1_000_000, 4096,
				Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofSeconds(1));
		ModelReplicas replicas = ModelReplicas.start("bench", List.of(model), List.of(limits), 0, Duration.ofMinutes(1),
				new SimpleMeterRegistry());
		try {
			CountDownLatch done = new CountDownLatch(streams);
			long[] first = new long[streams];
			AtomicLong lastFirst = new AtomicLong();
			long start = System.nanoTime();
			for (int i = 0; i < streams; i++) {
				int index = i;
				// Distinct prompts of 24 tokens: no sharing between the streams.
				int[] prompt = new int[24];
				Arrays.setAll(prompt, (t) -> 1 + (index * 131 + t * 17) % 250);
				submit(replicas, prompt, tokens, null, new Listener(done, (nanos) -> {
					first[index] = nanos;
					lastFirst.accumulateAndGet(nanos, Math::max);
				}));
			}
			if (!done.await(30, TimeUnit.MINUTES)) {
				throw new IllegalStateException("the streams did not finish");
			}
			long end = System.nanoTime();
			double[] ttft = new double[streams];
			for (int i = 0; i < streams; i++) {
				ttft[i] = (first[i] - start) / 1e6;
			}
			double decodeSeconds = (end - lastFirst.get()) / 1e9;
			return new Round((end - start) / 1e9, streams * (tokens - 1) / decodeSeconds, ttft);
		}
		finally {
			replicas.close();
		}
	}

	static void prefix(DecoderModel model, int systemTokens, int requests) throws InterruptedException {
		for (boolean reuse : new boolean[] { false, true }) {
			SchedulerLimits limits = new SchedulerLimits(16, 4096, 1_000_000, 4096, Duration.ofMinutes(10),
					Duration.ofMinutes(10), Duration.ofSeconds(1));
			ModelReplicas replicas = ModelReplicas.start("bench", List.of(model), List.of(limits),
					reuse ? 512L << 20 : 0, Duration.ofMinutes(10), new SimpleMeterRegistry());
			TenantId tenant = new TenantId(java.util.UUID.randomUUID());
			double[] ttft = new double[requests];
			try {
				for (int i = -1; i < requests; i++) {
					// A shared system prompt, then a question of its own.
					int[] prompt = new int[systemTokens + 16];
					Arrays.setAll(prompt, (t) -> (t < systemTokens) ? 1 + (t * 7) % 250 : 1 + (t * 13 + 31 * (5 + 0)) % 250);
					prompt[systemTokens] = 1 + (i + 2) % 250;
					CountDownLatch done = new CountDownLatch(1);
					long[] first = new long[1];
					long start = System.nanoTime();
					submit(replicas, prompt, 4, tenant, new Listener(done, (nanos) -> first[0] = nanos));
					done.await(10, TimeUnit.MINUTES);
					if (i >= 0) {
						// The first request only fills the cache.
						ttft[i] = (first[0] - start) / 1e6;
					}
				}
			}
			finally {
				replicas.close();
			}
			System.out.printf("RESULT prefix engine=enclave dtype=%s reuse=%s system_tokens=%d requests=%d "
					+ "ttft_p50_ms=%.0f ttft_p99_ms=%.0f%n", model.type(), reuse, systemTokens, requests,
					percentile(ttft, 50), percentile(ttft, 99));
		}
	}

	/** Decode steps only: every sequence takes one token per step. */
	static void overhead(DecoderModel model) {
		for (int batch : new int[] { 1, 16 }) {
			List<LanguageModel.Sequence> sequences = new ArrayList<>();
			for (int i = 0; i < batch; i++) {
				LanguageModel.Sequence sequence = model.newSequence(1024);
				sequence.forward(new int[] { 1, 2, 3, 4, 5, 6, 7, 8 });
				sequences.add(sequence);
			}
			List<LanguageModel.Chunk> chunks = sequences.stream()
				.map((sequence) -> new LanguageModel.Chunk(sequence, new int[] { 9 }, true))
				.toList();
			// Warm: the JIT, PyTorch's allocator and the caches' growth out of the way first.
			for (int i = 0; i < 60; i++) {
				model.step(chunks);
			}
			int steps = 60;
			long start = System.nanoTime();
			for (int i = 0; i < steps; i++) {
				model.step(chunks);
			}
			double ms = (System.nanoTime() - start) / 1e6 / steps;
			System.out.printf("RESULT overhead engine=enclave dtype=%s hidden=%d layers=%d batch=%d ms_per_step=%.2f "
					+ "ms_per_token=%.2f%n", model.type(), model.spec().hiddenSize(), model.spec().layers(), batch, ms,
					ms / batch);
			sequences.forEach(LanguageModel.Sequence::close);
		}
	}

	static void submit(ModelReplicas replicas, int[] prompt, int tokens, TenantId tenant, TaskListener listener) {
		GenerationRequest request = new GenerationRequest(prompt, tokens, SamplingParams.GREEDY, Set.of(), List.of());
		replicas.submit(new GenerationTask(new Decoding(request, (ids) -> "x".repeat(ids.length), 2048), prompt, tenant,
				Priority.INTERACTIVE, listener));
	}

	/** Notes when the first token came and counts the stream done at its end. */
	record Listener(CountDownLatch done, java.util.function.LongConsumer firstToken) implements TaskListener {

		Listener {
			firstToken = once(firstToken);
		}

		@Override
		public void onText(String text, int generatedTokens) {
			this.firstToken.accept(System.nanoTime());
		}

		@Override
		public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
			this.done.countDown();
		}

		@Override
		public void onError(Throwable failure) {
			failure.printStackTrace();
			this.done.countDown();
		}

		private static java.util.function.LongConsumer once(java.util.function.LongConsumer consumer) {
			java.util.concurrent.atomic.AtomicBoolean seen = new java.util.concurrent.atomic.AtomicBoolean();
			return (value) -> {
				if (seen.compareAndSet(false, true)) {
					consumer.accept(value);
				}
			};
		}

	}

	static double percentile(double[] values, int p) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
