package bench;

import java.io.File;
import java.util.Arrays;
import java.util.UUID;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;

/**
 * The Jlama side of the decode benchmark (see ../run.sh): loads the same checkpoint
 * directory with Jlama 0.8.4 and decodes greedily, reporting Jlama's own decode timing
 * (the steps after the prompt batch).
 */
public final class JlamaDecodeBench {

	static final String PROMPT = "The quick brown fox jumps over the lazy dog. Enclave runs models in-process.";

	public static void main(String[] args) {
		File directory = new File(args[0]);
		int tokens = Integer.parseInt(args[1]);
		int runs = Integer.parseInt(args[2]);
		String weights = args[3];
		DType working = DType.valueOf(args.length > 4 ? args[4] : "F32");
		long loadStart = System.nanoTime();
		AbstractModel model = ModelSupport.loadModel(directory, DType.F32, working);
		double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
		int promptTokens = model.getTokenizer().encode(PROMPT).length;
		// Jlama's ntokens counts prompt positions too.
		generate(model, promptTokens + 32);
		double[] rates = new double[runs];
		String text = "";
		int generated = 0;
		for (int i = 0; i < runs; i++) {
			Generator.Response response = generate(model, promptTokens + 1 + tokens);
			rates[i] = response.generatedTokens / (response.generateTimeMs / 1000.0);
			generated = response.generatedTokens;
			text = response.responseText;
		}
		Arrays.sort(rates);
		System.out.printf("RESULT decode engine=jlama-%s weights=%s working=%s prompt_tokens=%d tokens=%d runs=%d "
				+ "median_tps=%.2f best_tps=%.2f load_s=%.1f sample=\"%s\"%n", "0.8.4", weights, working, promptTokens,
				generated, runs, rates[runs / 2], rates[runs - 1], loadSeconds,
				text.substring(0, Math.min(24, text.length())).replace("\n", "\\n").replace("\"", "'"));
	}

	static Generator.Response generate(AbstractModel model, int ntokens) {
		return model.generate(UUID.randomUUID(), PromptContext.of(PROMPT), 0.0f, ntokens, (token, time) -> {
		});
	}

}
