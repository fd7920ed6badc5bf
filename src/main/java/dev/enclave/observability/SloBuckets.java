package dev.enclave.observability;

import java.time.Duration;

/**
 * The histogram buckets of every latency Enclave measures, chosen around its service level
 * objectives so {@code histogram_quantile} and SLO ratios ({@code le="0.25"}) read well
 * without a bucket per millisecond. Fixed buckets, not Micrometer's percentile histograms:
 * a handful of series per route instead of seventy.
 */
public final class SloBuckets {

	/** An HTTP request to Enclave, to its last byte (a stream's whole life). */
	public static final Duration[] HTTP_SERVER = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
			30_000, 60_000);

	/** A call to a model server, to its last byte. */
	public static final Duration[] HTTP_CLIENT = millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000,
			60_000, 120_000);

	/** From a generation's arrival to its first token. */
	public static final Duration[] TIME_TO_FIRST_TOKEN = millis(50, 100, 250, 500, 1000, 2500, 5000, 10_000);

	/** Between two tokens of one answer. */
	public static final Duration[] INTER_TOKEN_LATENCY = millis(10, 25, 50, 100, 250, 500, 1000);

	/** A whole answer, from arrival to its last token. */
	public static final Duration[] GENERATION = millis(500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000);

	/** From a generation's arrival to its start. */
	public static final Duration[] QUEUE_TIME = millis(10, 50, 100, 250, 500, 1000, 2000, 5000);

	/** A tool's run. */
	public static final Duration[] TOOL_CALL = millis(10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000);

	/** A database query. */
	public static final Duration[] DATABASE = millis(1, 2, 5, 10, 25, 50, 100, 250, 1000);

	/** Sequences in one engine step. */
	public static final double[] BATCH_SIZE = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };

	private SloBuckets() {
	}

	private static Duration[] millis(long... values) {
		Duration[] durations = new Duration[values.length];
		for (int i = 0; i < values.length; i++) {
			durations[i] = Duration.ofMillis(values[i]);
		}
		return durations;
	}

}
