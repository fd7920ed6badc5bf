package dev.enclave.inference.internal.scheduler;

import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * One generation as a scheduler sees it: the answer's {@link Decoding}, who it is for (the
 * tenant whose fair share it draws on and whose prefix cache alone it may use), its priority
 * class, where it reports, and its place in the scheduler. Apart from {@link #cancel()},
 * which any thread may call, it belongs to the scheduler's thread.
 */
public final class GenerationTask {

	private final Decoding decoding;

	private final int[] prompt;

	private final @Nullable TenantId tenant;

	private final Priority priority;

	private final TaskListener listener;

	private volatile boolean cancelled;

	private volatile @Nullable BatchScheduler scheduler;

	long submittedNanos;

	/** When it must have started, or fail as overloaded; none once it has started. */
	long deadlineNanos = Long.MAX_VALUE;

	/** When it was first admitted, or -1 while it never was. */
	long admittedNanos = -1;

	/** Its place in the order of admissions: the newest is preempted first. */
	long admission;

	long lastTokenNanos = -1;

	LanguageModel.@Nullable Sequence sequence;

	boolean prefixStored;

	int preemptions;

	/** Promoted from batch to interactive after waiting long enough. */
	boolean aged;

	public GenerationTask(Decoding decoding, int[] prompt, @Nullable TenantId tenant, Priority priority,
			TaskListener listener) {
		this.decoding = decoding;
		this.prompt = prompt;
		this.tenant = tenant;
		this.priority = priority;
		this.listener = listener;
	}

	/** Stops the generation: it leaves the batch at the next step and its KV memory is freed. */
	public void cancel() {
		this.cancelled = true;
		BatchScheduler owner = this.scheduler;
		if (owner != null) {
			owner.wake();
		}
	}

	boolean cancelled() {
		return this.cancelled;
	}

	void ownedBy(BatchScheduler scheduler) {
		this.scheduler = scheduler;
	}

	Decoding decoding() {
		return this.decoding;
	}

	int[] prompt() {
		return this.prompt;
	}

	@Nullable TenantId tenant() {
		return this.tenant;
	}

	Priority priority() {
		return this.priority;
	}

	TaskListener listener() {
		return this.listener;
	}

	/** Tokens the model has taken so far: the KV cache's length, 0 while it has none. */
	int computed() {
		LanguageModel.Sequence current = this.sequence;
		return (current != null) ? current.length() : 0;
	}

	/** The fair-share cost of starting it: its prompt's tokens (the prefill it needs). */
	int cost() {
		return Math.max(1, this.prompt.length);
	}

}
