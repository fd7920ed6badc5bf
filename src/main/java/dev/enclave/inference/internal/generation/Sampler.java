package dev.enclave.inference.internal.generation;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Chooses the next token from logits: greedy (the first maximum) or sampled after
 * temperature, top-k and top-p, in the order Hugging Face applies them. Sampling runs in
 * Java on the logits the model returned, with a {@link SplittableRandom} of the request's
 * seed, so a seeded request gives the same answer on every run and every device.
 */
public final class Sampler {

	// Above this many candidates the nucleus is searched among a prefiltered few.
	private static final int PREFILTER = 1024;

	private final SamplingParams params;

	private final SplittableRandom random;

	public Sampler(SamplingParams params) {
		this.params = params;
		this.random = (params.seed() != null) ? new SplittableRandom(params.seed()) : new SplittableRandom();
	}

	public int next(float[] logits) {
		if (this.params.greedy()) {
			return argmax(logits);
		}
		Candidates candidates = softmax(logits, topK(logits));
		if (this.params.topP() < 1) {
			candidates = nucleus(candidates);
		}
		double total = 0;
		for (double probability : candidates.probabilities()) {
			total += probability;
		}
		double draw = this.random.nextDouble() * total;
		for (int i = 0; i < candidates.tokens().length; i++) {
			draw -= candidates.probabilities()[i];
			if (draw < 0) {
				return candidates.tokens()[i];
			}
		}
		return candidates.tokens()[candidates.tokens().length - 1];
	}

	static int argmax(float[] logits) {
		int best = 0;
		for (int i = 1; i < logits.length; i++) {
			if (logits[i] > logits[best]) {
				best = i;
			}
		}
		return best;
	}

	/** All tokens, or the k with the highest logits; ties go to the lower id. */
	private int[] topK(float[] logits) {
		int k = this.params.topK();
		if (k == 0 || k >= logits.length) {
			int[] all = new int[logits.length];
			Arrays.setAll(all, (i) -> i);
			return all;
		}
		PriorityQueue<Integer> heap = new PriorityQueue<>(k,
				(a, b) -> (logits[a] != logits[b]) ? Float.compare(logits[a], logits[b]) : Integer.compare(b, a));
		for (int i = 0; i < logits.length; i++) {
			if (heap.size() < k) {
				heap.add(i);
			}
			else if (logits[i] > logits[heap.peek()]) {
				heap.poll();
				heap.add(i);
			}
		}
		int[] top = new int[k];
		for (int i = k - 1; i >= 0; i--) {
			top[i] = heap.poll();
		}
		return top;
	}

	private Candidates softmax(float[] logits, int[] tokens) {
		double max = Double.NEGATIVE_INFINITY;
		for (int token : tokens) {
			max = Math.max(max, logits[token]);
		}
		double[] probabilities = new double[tokens.length];
		double sum = 0;
		for (int i = 0; i < tokens.length; i++) {
			probabilities[i] = Math.exp((logits[tokens[i]] - max) / this.params.temperature());
			sum += probabilities[i];
		}
		for (int i = 0; i < probabilities.length; i++) {
			probabilities[i] /= sum;
		}
		return new Candidates(tokens, probabilities);
	}

	/** The fewest most likely candidates whose probabilities reach top-p (at least one). */
	private Candidates nucleus(Candidates all) {
		Candidates candidates = (all.tokens().length > PREFILTER) ? prefilter(all) : all;
		int[] tokens = candidates.tokens();
		double[] probabilities = candidates.probabilities();
		Integer[] order = new Integer[tokens.length];
		Arrays.setAll(order, (i) -> i);
		Arrays.sort(order, (a, b) -> {
			int byProbability = Double.compare(probabilities[b], probabilities[a]);
			return (byProbability != 0) ? byProbability : Integer.compare(tokens[a], tokens[b]);
		});
		int kept = order.length;
		double cumulative = 0;
		for (int i = 0; i < order.length; i++) {
			cumulative += probabilities[order[i]];
			if (cumulative >= this.params.topP()) {
				kept = i + 1;
				break;
			}
		}
		int[] nucleusTokens = new int[kept];
		double[] nucleusProbabilities = new double[kept];
		for (int i = 0; i < kept; i++) {
			nucleusTokens[i] = tokens[order[i]];
			nucleusProbabilities[i] = probabilities[order[i]];
		}
		return new Candidates(nucleusTokens, nucleusProbabilities);
	}

	/**
	 * Sorting a whole vocabulary every step would dominate decoding. The nucleus is the most
	 * likely tokens, so it lies within any set of the most likely tokens that carries at
	 * least top-p of the mass. Tokens below {@code (1 - p) / V} carry less than {@code 1 - p}
	 * together, so dropping them keeps the nucleus; when a flat distribution leaves too many,
	 * the threshold is raised by bisection while the kept mass still reaches p.
	 */
	private Candidates prefilter(Candidates all) {
		double[] probabilities = all.probabilities();
		double low = (1 - this.params.topP()) / probabilities.length;
		if (count(probabilities, low) > PREFILTER) {
			double high = Arrays.stream(probabilities).max().orElse(1);
			for (int i = 0; i < 30; i++) {
				double middle = (low + high) / 2;
				if (mass(probabilities, middle) >= this.params.topP()) {
					low = middle;
				}
				else {
					high = middle;
				}
			}
		}
		int[] tokens = new int[count(probabilities, low)];
		double[] kept = new double[tokens.length];
		int at = 0;
		for (int i = 0; i < probabilities.length; i++) {
			if (probabilities[i] >= low) {
				tokens[at] = all.tokens()[i];
				kept[at++] = probabilities[i];
			}
		}
		return new Candidates(tokens, kept);
	}

	private static int count(double[] probabilities, double threshold) {
		int count = 0;
		for (double probability : probabilities) {
			if (probability >= threshold) {
				count++;
			}
		}
		return count;
	}

	private static double mass(double[] probabilities, double threshold) {
		double mass = 0;
		for (double probability : probabilities) {
			if (probability >= threshold) {
				mass += probability;
			}
		}
		return mass;
	}

	private record Candidates(int[] tokens, double[] probabilities) {
	}

}
