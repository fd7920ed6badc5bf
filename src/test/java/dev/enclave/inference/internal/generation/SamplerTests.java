package dev.enclave.inference.internal.generation;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerTests {

	private static final float[] LOGITS = { 0.5f, 3.0f, 1.0f, 3.0f, -2.0f, 2.5f };

	@Test
	void greedyTakesTheFirstMaximum() {
		Sampler sampler = new Sampler(SamplingParams.GREEDY);
		assertThat(sampler.next(LOGITS)).isEqualTo(1);
		assertThat(new Sampler(new SamplingParams(0.8, 1, 1, null)).next(LOGITS)).isEqualTo(1);
	}

	@Test
	void aSeedMakesSamplingReproducible() {
		SamplingParams params = new SamplingParams(1.0, 0, 0.95, 42L);
		int[] first = draws(new Sampler(params), 64);
		int[] second = draws(new Sampler(params), 64);
		int[] other = draws(new Sampler(new SamplingParams(1.0, 0, 0.95, 43L)), 64);
		assertThat(first).isEqualTo(second);
		assertThat(other).isNotEqualTo(first);
		assertThat(IntStream.of(first).distinct().count()).as("it does sample").isGreaterThan(1);
	}

	@Test
	void topKKeepsOnlyTheKMostLikely() {
		Sampler sampler = new Sampler(new SamplingParams(5.0, 3, 1, 7L));
		assertThat(IntStream.of(draws(sampler, 500)).boxed()).allMatch((token) -> Set.of(1, 3, 5).contains(token));
	}

	@Test
	void topPKeepsTheSmallestSetReachingP() {
		float[] logits = { 0f, 5f, 0f, 0f };
		Sampler sampler = new Sampler(new SamplingParams(1.0, 0, 0.5, 3L));
		assertThat(IntStream.of(draws(sampler, 200, logits)).distinct().toArray()).containsExactly(1);
	}

	@Test
	void topPOverALargeVocabularyDrawsOnlyFromTheNucleus() {
		Random random = new Random(1);
		float[] logits = new float[50_000];
		for (int i = 0; i < logits.length; i++) {
			logits[i] = (float) random.nextGaussian();
		}
		Set<Integer> nucleus = bruteForceNucleus(logits, 0.5);
		Sampler sampler = new Sampler(new SamplingParams(1.0, 0, 0.5, 9L));
		Set<Integer> drawn = new HashSet<>();
		for (int token : draws(sampler, 100, logits)) {
			drawn.add(token);
		}
		assertThat(nucleus).containsAll(drawn).hasSizeLessThan(logits.length / 2);
		assertThat(drawn.size()).isGreaterThan(1);
	}

	private static Set<Integer> bruteForceNucleus(float[] logits, double p) {
		double max = Double.NEGATIVE_INFINITY;
		for (float logit : logits) {
			max = Math.max(max, logit);
		}
		double[] probabilities = new double[logits.length];
		double sum = 0;
		for (int i = 0; i < logits.length; i++) {
			probabilities[i] = Math.exp(logits[i] - max);
			sum += probabilities[i];
		}
		double total = sum;
		Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
		java.util.Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
		Set<Integer> nucleus = new HashSet<>();
		double cumulative = 0;
		for (int token : order) {
			nucleus.add(token);
			cumulative += probabilities[token] / total;
			if (cumulative >= p) {
				break;
			}
		}
		return nucleus;
	}

	private static int[] draws(Sampler sampler, int count) {
		return draws(sampler, count, LOGITS);
	}

	private static int[] draws(Sampler sampler, int count, float[] logits) {
		return IntStream.range(0, count).map((i) -> sampler.next(logits)).toArray();
	}

}
