package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.demo.DemoCheckpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.engine.DjlRuntime;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.Sampler;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.internal.generation.StreamingDetokenizer;
import dev.enclave.inference.internal.generation.TextTokenizer;

/**
 * The Enclave side of the decode benchmark (see run.sh): generates the ~100M-parameter
 * random LLaMA checkpoint, measures memory bandwidth through PyTorch, and decodes
 * single-stream with the same per-token work Jlama does (forward, greedy choice,
 * detokenisation), timing only the decode steps after the prompt.
 */
public final class EnclaveDecodeBench {

	static final String PROMPT = "The quick brown fox jumps over the lazy dog. Enclave runs models in-process.";

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "generate" -> generate(Path.of(args[1]), args[2]);
			case "bandwidth" -> bandwidth();
			case "decode" -> decode(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
					(args.length > 4) ? DataType.valueOf(args[4]) : DataType.FLOAT32);
			default -> throw new IllegalArgumentException(args[0]);
		}
	}

	/** Hidden 768, 12 layers, 12 query and 4 key/value heads, MLP 2048, vocabulary 16384. */
	static void generate(Path directory, String dtype) throws Exception {
		DemoCheckpoint.Spec spec = new DemoCheckpoint.Spec(768, 12, 12, 4, 2048, 16384, 2048, dtype, 7L, false);
		DemoCheckpoint.write(directory, spec);
		System.out.printf("RESULT checkpoint dir=%s dtype=%s parameters=%d bytes=%d%n", directory, dtype,
				spec.parameters(), Files.size(directory.resolve("model.safetensors")));
	}

	/** A 1 GiB float32 reduction through the same PyTorch and threads the engine uses. */
	static void bandwidth() {
		try (NDManager manager = DjlRuntime.engine().newBaseManager(Device.cpu())) {
			NDArray big = manager.ones(new Shape(256L * 1024 * 1024));
			double best = 0;
			for (int pass = 0; pass < 7; pass++) {
				long start = System.nanoTime();
				float sum = big.sum().getFloat();
				double seconds = (System.nanoTime() - start) / 1e9;
				best = Math.max(best, (1L << 30) / seconds / 1e9);
				if (sum != 256f * 1024 * 1024) {
					throw new IllegalStateException("sum " + sum);
				}
			}
			System.out.printf("RESULT bandwidth source=pytorch-sum threads=%d read_gbps=%.2f%n",
					ai.djl.pytorch.jni.JniUtils.getNumThreads(), best);
		}
	}

	static void decode(Path directory, int tokens, int runs, DataType type) {
		long loadStart = System.nanoTime();
		try (Checkpoint checkpoint = Checkpoint.open(directory, null);
				DecoderModel model = DecoderModel.load("bench", checkpoint, Device.cpu(), type, 0);
				TextTokenizer tokenizer = TextTokenizer.load(checkpoint.tokenizerFile())) {
			double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
			int[] prompt = tokenizer.encode(PROMPT);
			run(model, tokenizer, prompt, 32);
			double[] rates = new double[runs];
			String text = "";
			for (int i = 0; i < runs; i++) {
				Run run = run(model, tokenizer, prompt, tokens);
				rates[i] = run.tokensPerSecond();
				text = run.text();
			}
			Arrays.sort(rates);
			System.out.printf("RESULT decode engine=enclave-djl dtype=%s prompt_tokens=%d tokens=%d runs=%d "
					+ "median_tps=%.2f best_tps=%.2f weight_bytes_per_token=%d load_s=%.1f threads=%d sample=%s%n",
					model.type(), prompt.length, tokens, runs, rates[runs / 2], rates[runs - 1],
					model.weightBytesPerToken(), loadSeconds, ai.djl.pytorch.jni.JniUtils.getNumThreads(),
					quoted(text.substring(0, Math.min(24, text.length()))));
		}
	}

	record Run(double tokensPerSecond, String text) {
	}

	/** Greedy decoding of exactly {@code tokens} tokens; only the steps after the prompt are timed. */
	static Run run(DecoderModel model, TextTokenizer tokenizer, int[] prompt, int tokens) {
		Sampler sampler = new Sampler(SamplingParams.GREEDY);
		StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer::decode);
		StringBuilder text = new StringBuilder();
		try (LanguageModel.Sequence sequence = model.newSequence(prompt.length + tokens)) {
			float[] logits = sequence.forward(prompt);
			int token = sampler.next(logits);
			text.append(detokenizer.push(token));
			long start = System.nanoTime();
			for (int i = 0; i < tokens; i++) {
				logits = sequence.forward(new int[] { token });
				token = sampler.next(logits);
				text.append(detokenizer.push(token));
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return new Run(tokens / seconds, text.toString());
		}
	}

	static String quoted(String text) {
		return "\"" + text.replace("\n", "\\n").replace("\"", "'") + "\"";
	}

}
