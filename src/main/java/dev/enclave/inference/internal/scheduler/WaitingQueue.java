package dev.enclave.inference.internal.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * Generations waiting to start, in the order they should start:
 * <ol>
 * <li>preempted ones first, as they were (they had started; their clients are waiting for
 * the rest);</li>
 * <li>then interactive ones before batch ones, where a batch one that has waited
 * {@code aging} counts as interactive from then on, so nothing starves;</li>
 * <li>within a class, tenants share by deficit round-robin: each tenant's turn adds a
 * quantum of prompt tokens to its credit, and it starts its oldest requests while the
 * credit covers their prompts, so a tenant flooding the queue with long prompts gets no
 * more prefill than one with short ones. A request costs at least a quarter of the
 * quantum, so however short its prompts, a tenant starts at most four requests a turn
 * while others wait. FIFO within a tenant.</li>
 * </ol>
 * Used from the scheduler's thread only.
 */
final class WaitingQueue {

	/** Prompt tokens of credit a tenant gains per turn. */
	static final int QUANTUM = 512;

	/** The least a request costs, so tiny prompts cannot take a whole turn's slots. */
	static final int MIN_COST = QUANTUM / 4;

	private final long agingNanos;

	private final Deque<GenerationTask> preempted = new ArrayDeque<>();

	private final Map<Priority, Fair> classes = new HashMap<>();

	private int size;

	WaitingQueue(long agingNanos) {
		this.agingNanos = agingNanos;
		this.classes.put(Priority.INTERACTIVE, new Fair());
		this.classes.put(Priority.BATCH, new Fair());
	}

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	/** Adds a new request at the back of its tenant's line in its class. */
	void add(GenerationTask task) {
		this.classes.get(task.priority()).add(task);
		this.size++;
	}

	/** Puts back one that had started and was preempted: it starts again before any other. */
	void addPreempted(GenerationTask task) {
		this.preempted.addFirst(task);
		this.size++;
	}

	/**
	 * Takes the next request to start.
	 * @param now for aging batch requests
	 */
	@Nullable GenerationTask poll(long now) {
		if (!this.preempted.isEmpty()) {
			this.size--;
			return this.preempted.pollFirst();
		}
		promoteAged(now);
		for (Priority priority : Priority.values()) {
			GenerationTask next = this.classes.get(priority).poll();
			if (next != null) {
				this.size--;
				return next;
			}
		}
		return null;
	}

	/**
	 * Gives back the request just polled that could not start after all (its KV memory did
	 * not fit): it keeps its place, ahead of everything else.
	 */
	void putBack(GenerationTask task) {
		this.preempted.addFirst(task);
		this.size++;
	}

	/** Removes and returns the requests whose start deadline has passed. */
	List<GenerationTask> expire(long now) {
		List<GenerationTask> expired = new ArrayList<>();
		for (Fair fair : this.classes.values()) {
			fair.removeIf((task) -> task.deadlineNanos <= now, expired);
		}
		this.size -= expired.size();
		return expired;
	}

	/** Removes and returns the requests whose clients went away. */
	List<GenerationTask> removeCancelled() {
		List<GenerationTask> removed = new ArrayList<>();
		for (Iterator<GenerationTask> tasks = this.preempted.iterator(); tasks.hasNext();) {
			GenerationTask task = tasks.next();
			if (task.cancelled()) {
				tasks.remove();
				removed.add(task);
			}
		}
		for (Fair fair : this.classes.values()) {
			fair.removeIf(GenerationTask::cancelled, removed);
		}
		this.size -= removed.size();
		return removed;
	}

	/** Everything still waiting, emptied out (at shutdown). */
	List<GenerationTask> drain() {
		List<GenerationTask> all = new ArrayList<>(this.preempted);
		this.preempted.clear();
		for (Fair fair : this.classes.values()) {
			fair.removeIf((task) -> true, all);
		}
		this.size = 0;
		return all;
	}

	/** Batch requests that have waited long enough join the interactive class, at the back. */
	private void promoteAged(long now) {
		List<GenerationTask> aged = new ArrayList<>();
		this.classes.get(Priority.BATCH).removeIf((task) -> now - task.submittedNanos >= this.agingNanos, aged);
		for (GenerationTask task : aged) {
			task.aged = true;
			this.classes.get(Priority.INTERACTIVE).add(task);
		}
	}

	/** One class: a line per tenant, served by deficit round-robin. */
	private static final class Fair {

		/** Tenants with requests waiting, in turn order; the head is the one whose turn it is. */
		private final Deque<Object> turns = new ArrayDeque<>();

		private final Map<Object, Deque<GenerationTask>> lines = new LinkedHashMap<>();

		private final Map<Object, Long> credit = new HashMap<>();

		/** Whether the head tenant has had its quantum for the current turn. */
		private boolean headServed;

		void add(GenerationTask task) {
			Object tenant = key(task.tenant());
			Deque<GenerationTask> line = this.lines.computeIfAbsent(tenant, (any) -> new ArrayDeque<>());
			if (line.isEmpty()) {
				this.turns.addLast(tenant);
			}
			line.addLast(task);
		}

		@Nullable GenerationTask poll() {
			while (!this.turns.isEmpty()) {
				Object tenant = this.turns.peekFirst();
				Deque<GenerationTask> line = this.lines.get(tenant);
				if (!this.headServed) {
					this.credit.merge(tenant, (long) QUANTUM, Long::sum);
					this.headServed = true;
				}
				GenerationTask head = line.peekFirst();
				long available = this.credit.getOrDefault(tenant, 0L);
				long cost = Math.max(head.cost(), MIN_COST);
				if (available >= cost) {
					line.pollFirst();
					this.credit.put(tenant, available - cost);
					if (line.isEmpty()) {
						// An emptied line keeps no credit: DRR's rule, so idling never banks a share.
						this.lines.remove(tenant);
						this.credit.remove(tenant);
						this.turns.pollFirst();
						this.headServed = false;
					}
					return head;
				}
				// Its credit does not cover the next prompt: the turn passes, the credit stays.
				this.turns.addLast(this.turns.pollFirst());
				this.headServed = false;
			}
			return null;
		}

		void removeIf(java.util.function.Predicate<GenerationTask> test, List<GenerationTask> into) {
			for (Iterator<Map.Entry<Object, Deque<GenerationTask>>> entries = this.lines.entrySet().iterator(); entries
				.hasNext();) {
				Map.Entry<Object, Deque<GenerationTask>> entry = entries.next();
				for (Iterator<GenerationTask> tasks = entry.getValue().iterator(); tasks.hasNext();) {
					GenerationTask task = tasks.next();
					if (test.test(task)) {
						tasks.remove();
						into.add(task);
					}
				}
				if (entry.getValue().isEmpty()) {
					entries.remove();
					if (Objects.equals(this.turns.peekFirst(), entry.getKey())) {
						this.headServed = false;
					}
					this.turns.remove(entry.getKey());
					this.credit.remove(entry.getKey());
				}
			}
		}

		/** Requests without a tenant share one line. */
		private static Object key(@Nullable TenantId tenant) {
			return (tenant != null) ? tenant : "";
		}

	}

}
