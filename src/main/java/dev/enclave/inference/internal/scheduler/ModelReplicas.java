package dev.enclave.inference.internal.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.shared.TenantId;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The replicas of one model, one scheduler each (one per GPU, or one on the CPU), and the
 * router between them: a request goes to the replica with the least work in hand, running
 * plus waiting, the first on a tie.
 */
public final class ModelReplicas implements AutoCloseable {

	private final List<BatchScheduler> schedulers;

	private ModelReplicas(List<BatchScheduler> schedulers) {
		this.schedulers = List.copyOf(schedulers);
	}

	/**
	 * Starts a scheduler per replica, with their meters under {@code model}.
	 * @param limits per replica, in the order of {@code replicas}
	 * @param prefixCacheTokens tokens of prefix cache per replica; 0 for none
	 */
	public static ModelReplicas start(String model, List<? extends LanguageModel> replicas, List<SchedulerLimits> limits,
			long prefixCacheBytes, Duration prefixCacheTtl, MeterRegistry meters) {
		SchedulerMetrics metrics = new SchedulerMetrics(meters, model);
		List<BatchScheduler> schedulers = new ArrayList<>();
		for (int i = 0; i < replicas.size(); i++) {
			PrefixCache prefixes = (prefixCacheBytes > 0)
					? new PrefixCache(prefixCacheBytes, prefixCacheTtl.toNanos(), System::nanoTime) : null;
			BatchScheduler scheduler = new BatchScheduler(model + "-" + i, replicas.get(i), limits.get(i), prefixes,
					metrics, System::nanoTime);
			scheduler.start();
			schedulers.add(scheduler);
		}
		metrics.gauges(schedulers);
		return new ModelReplicas(schedulers);
	}

	/** Sends a generation to the replica with the least work in hand. */
	public void submit(GenerationTask task) {
		this.schedulers.stream().min(Comparator.comparingInt(BatchScheduler::outstanding)).get().submit(task);
	}

	/** Drops a tenant's prefix blocks on every replica. */
	public void eraseTenant(TenantId tenant) {
		this.schedulers.forEach((scheduler) -> scheduler.eraseTenant(tenant));
	}

	public List<BatchScheduler> schedulers() {
		return this.schedulers;
	}

	@Override
	public void close() {
		this.schedulers.forEach(BatchScheduler::close);
	}

}
