package dev.enclave.inference.internal.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.enclave.observability.EnclaveMeter;
import dev.enclave.observability.SloBuckets;
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
		this.prefixQueries = counter(EnclaveMeter.INFERENCE_PREFIX_CACHE_QUERIES);
		this.prefixHits = counter(EnclaveMeter.INFERENCE_PREFIX_CACHE_HITS);
		this.promptTokens = counter(EnclaveMeter.INFERENCE_PROMPT_TOKENS);
		this.generationTokens = counter(EnclaveMeter.INFERENCE_GENERATION_TOKENS);
		this.preemptions = counter(EnclaveMeter.INFERENCE_PREEMPTIONS);
		this.oomRecoveries = counter(EnclaveMeter.INFERENCE_OOM_RECOVERIES);
		this.timeToFirstToken = timer(EnclaveMeter.INFERENCE_TIME_TO_FIRST_TOKEN, SloBuckets.TIME_TO_FIRST_TOKEN);
		this.interTokenLatency = timer(EnclaveMeter.INFERENCE_INTER_TOKEN_LATENCY, SloBuckets.INTER_TOKEN_LATENCY);
		this.endToEnd = timer(EnclaveMeter.INFERENCE_E2E_REQUEST_LATENCY, SloBuckets.GENERATION);
		this.queueTime = timer(EnclaveMeter.INFERENCE_QUEUE_TIME, SloBuckets.QUEUE_TIME);
		this.batchSize = DistributionSummary.builder(EnclaveMeter.INFERENCE_BATCH_SIZE.getName())
			.description(EnclaveMeter.INFERENCE_BATCH_SIZE.description())
			.tag(EnclaveMeter.Tags.MODEL.asString(), model)
			.serviceLevelObjectives(SloBuckets.BATCH_SIZE)
			.register(registry);
	}

	/** Registers the gauges, summing over the model's replicas. */
	void gauges(List<BatchScheduler> replicas) {
		gauge(EnclaveMeter.INFERENCE_REQUESTS_RUNNING, replicas, (all) -> all.stream().mapToInt(BatchScheduler::running).sum());
		gauge(EnclaveMeter.INFERENCE_REQUESTS_WAITING, replicas, (all) -> all.stream().mapToInt(BatchScheduler::waiting).sum());
		gauge(EnclaveMeter.INFERENCE_KV_CACHE_USAGE, replicas, (all) -> {
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

	private Counter counter(EnclaveMeter meter) {
		return Counter.builder(meter.getName())
			.description(meter.description())
			.tag(EnclaveMeter.Tags.MODEL.asString(), this.model)
			.register(this.registry);
	}

	private Timer timer(EnclaveMeter meter, Duration[] buckets) {
		return Timer.builder(meter.getName())
			.description(meter.description())
			.tag(EnclaveMeter.Tags.MODEL.asString(), this.model)
			.serviceLevelObjectives(buckets)
			.register(this.registry);
	}

	private <T> void gauge(EnclaveMeter meter, T state, ToDoubleFunction<T> value) {
		// Held strongly: Micrometer keeps gauge state weakly, and the replicas' list is nobody else's.
		Gauge.builder(meter.getName(), state, value)
			.strongReference(true)
			.description(meter.description())
			.tag(EnclaveMeter.Tags.MODEL.asString(), this.model)
			.register(this.registry);
	}


}
