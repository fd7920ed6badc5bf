package dev.enclave.inference.internal.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one model, shared by its replicas: counters and latency histograms with
 * SLO buckets, and gauges that sum the replicas' state.
 */
final class SchedulerMetrics {

	private final Counter prefixQueries;

	private final Counter prefixHits;

	private final Counter promptTokens;

	private final Counter generationTokens;

	private final Counter preemptions;

	private final Counter oomRecoveries;

	private final Timer timeToFirstToken;

	private final Timer interTokenLatency;

	private final Timer endToEnd;

	private final Timer queueTime;

	private final DistributionSummary batchSize;

	private final MeterRegistry registry;

	private final String model;

	SchedulerMetrics(MeterRegistry registry, String model) {
		this.registry = registry;
		this.model = model;
		this.prefixQueries = counter(InferenceMeters.PREFIX_CACHE_QUERIES);
		this.prefixHits = counter(InferenceMeters.PREFIX_CACHE_HITS);
		this.promptTokens = counter(InferenceMeters.PROMPT_TOKENS);
		this.generationTokens = counter(InferenceMeters.GENERATION_TOKENS);
		this.preemptions = counter(InferenceMeters.PREEMPTIONS);
		this.oomRecoveries = counter(InferenceMeters.OOM_RECOVERIES);
		this.timeToFirstToken = timer(InferenceMeters.TIME_TO_FIRST_TOKEN, millis(50, 100, 250, 500, 1000, 2500, 5000,
				10_000));
		this.interTokenLatency = timer(InferenceMeters.INTER_TOKEN_LATENCY, millis(10, 25, 50, 100, 250, 500, 1000));
		this.endToEnd = timer(InferenceMeters.E2E_REQUEST_LATENCY, millis(500, 1000, 2500, 5000, 10_000, 30_000,
				60_000, 120_000));
		this.queueTime = timer(InferenceMeters.QUEUE_TIME, millis(10, 50, 100, 250, 500, 1000, 2000, 5000));
		this.batchSize = DistributionSummary.builder(InferenceMeters.BATCH_SIZE.meterName())
			.description(InferenceMeters.BATCH_SIZE.description())
			.tag(InferenceMeters.MODEL_TAG, model)
			.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
			.register(registry);
	}

	/** Registers the gauges, summing over the model's replicas. */
	void gauges(List<BatchScheduler> replicas) {
		gauge(InferenceMeters.REQUESTS_RUNNING, replicas, (all) -> all.stream().mapToInt(BatchScheduler::running).sum());
		gauge(InferenceMeters.REQUESTS_WAITING, replicas, (all) -> all.stream().mapToInt(BatchScheduler::waiting).sum());
		gauge(InferenceMeters.KV_CACHE_USAGE, replicas, (all) -> {
			double used = all.stream().mapToLong(BatchScheduler::kvTokensUsed).sum();
			double budget = all.stream().mapToLong(BatchScheduler::kvTokensBudget).sum();
			return (budget > 0) ? used / budget : 0;
		});
	}

	void prefixLookup(long queried, long hit) {
		this.prefixQueries.increment(queried);
		this.prefixHits.increment(hit);
	}

	void started(int prompt, long queuedNanos) {
		this.promptTokens.increment(prompt);
		this.queueTime.record(queuedNanos, TimeUnit.NANOSECONDS);
	}

	void token(long sinceLastNanos, boolean first, long sinceArrivalNanos) {
		this.generationTokens.increment();
		if (first) {
			this.timeToFirstToken.record(sinceArrivalNanos, TimeUnit.NANOSECONDS);
		}
		else {
			this.interTokenLatency.record(sinceLastNanos, TimeUnit.NANOSECONDS);
		}
	}

	void finished(long sinceArrivalNanos) {
		this.endToEnd.record(sinceArrivalNanos, TimeUnit.NANOSECONDS);
	}

	void step(int sequences) {
		this.batchSize.record(sequences);
	}

	void preempted() {
		this.preemptions.increment();
	}

	void oomRecovered() {
		this.oomRecoveries.increment();
	}

	private Counter counter(InferenceMeters meter) {
		return Counter.builder(meter.meterName())
			.description(meter.description())
			.tag(InferenceMeters.MODEL_TAG, this.model)
			.register(this.registry);
	}

	private Timer timer(InferenceMeters meter, Duration[] buckets) {
		return Timer.builder(meter.meterName())
			.description(meter.description())
			.tag(InferenceMeters.MODEL_TAG, this.model)
			.serviceLevelObjectives(buckets)
			.register(this.registry);
	}

	private <T> void gauge(InferenceMeters meter, T state, ToDoubleFunction<T> value) {
		// Held strongly: Micrometer keeps gauge state weakly, and the replicas' list is nobody else's.
		Gauge.builder(meter.meterName(), state, value)
			.strongReference(true)
			.description(meter.description())
			.tag(InferenceMeters.MODEL_TAG, this.model)
			.register(this.registry);
	}

	private static Duration[] millis(long... values) {
		Duration[] durations = new Duration[values.length];
		for (int i = 0; i < values.length; i++) {
			durations[i] = Duration.ofMillis(values[i]);
		}
		return durations;
	}

}
