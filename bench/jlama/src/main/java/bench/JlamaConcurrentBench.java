package bench;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;

/**
 * The Jlama side of the batching benchmark (see ../batch.sh): N generations of the same
 * checkpoint at once, each on its own thread with its own session (Jlama 0.8.4 has no
 * batching across requests), each decoding T tokens greedily. Aggregate tokens/s over the
 * whole run, and time to first token p50/p99.
 */
public final class JlamaConcurrentBench {

	public static void main(String[] args) throws Exception {
		File directory = new File(args[0]);
		int streams = Integer.parseInt(args[1]);
		int tokens = Integer.parseInt(args[2]);
		DType working = DType.valueOf(args.length > 3 ? args[3] : "F32");
		AbstractModel model = ModelSupport.loadModel(directory, DType.F32, working);
		round(model, streams, 16);
		double[] ttft = new double[streams];
		long start = System.nanoTime();
		int generated = round(model, streams, tokens, ttft, start);
		double wall = (System.nanoTime() - start) / 1e9;
		Arrays.sort(ttft);
		System.out.printf("RESULT concurrency engine=jlama-0.8.4 working=%s streams=%d tokens=%d wall_s=%.2f "
				+ "aggregate_tps=%.2f ttft_p50_ms=%.0f ttft_p99_ms=%.0f%n", working, streams, generated / streams, wall,
				generated / wall, ttft[(int) Math.ceil(0.5 * streams) - 1], ttft[(int) Math.ceil(0.99 * streams) - 1]);
		System.exit(0);
	}

	static int round(AbstractModel model, int streams, int tokens) throws Exception {
		return round(model, streams, tokens, new double[streams], System.nanoTime());
	}

	static int round(AbstractModel model, int streams, int tokens, double[] ttft, long start) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(streams);
		try {
			List<Future<Integer>> futures = new ArrayList<>();
			for (int i = 0; i < streams; i++) {
				int index = i;
				futures.add(pool.submit(() -> {
					String prompt = "Stream " + index + ": the quick brown fox jumps over the lazy dog.";
					int promptTokens = model.getTokenizer().encode(prompt).length;
					AtomicBoolean first = new AtomicBoolean();
					// Jlama's ntokens counts prompt positions too.
					return model.generate(UUID.randomUUID(), PromptContext.of(prompt), 0.0f, promptTokens + 1 + tokens,
							(token, time) -> {
								if (first.compareAndSet(false, true)) {
									ttft[index] = (System.nanoTime() - start) / 1e6;
								}
							}).generatedTokens;
				}));
			}
			int generated = 0;
			for (Future<Integer> future : futures) {
				generated += future.get();
			}
			return generated;
		}
		finally {
			pool.shutdown();
		}
	}

}
