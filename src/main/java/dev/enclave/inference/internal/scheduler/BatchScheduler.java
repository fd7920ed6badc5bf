package dev.enclave.inference.internal.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.internal.generation.Decoding;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.LanguageModel.Chunk;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching for one replica of a model, after vLLM's scheduler. A step loop on the
 * replica's own thread runs every running sequence together, one step at a time:
 * <ol>
 * <li>requests that arrived join the {@link WaitingQueue}; those whose clients left are
 * dropped (their KV memory freed) and those past their start deadline fail as
 * {@code overloaded} with a {@code Retry-After} estimated from the current throughput;</li>
 * <li>every running sequence that is decoding takes one token, first;</li>
 * <li>the rest of {@code max-batched-tokens} goes to prompts: those under way, then new
 * requests, admitted while {@code max-num-seqs} allows and their whole KV need (prompt plus
 * {@code max_tokens}) fits the KV budget beside what the running sequences hold; a prompt
 * that does not fit the step is prefilled in chunks over several steps;</li>
 * <li>when the running sequences would outgrow the KV budget, the newest is preempted: its
 * cache is freed and it waits at the front of the queue, to be recomputed from its prompt
 * and what it had generated, so it streams nothing twice;</li>
 * <li>the model runs the step (one matrix product per weight for all rows); each sequence
 * that reached the end of its input samples its next token.</li>
 * </ol>
 * A step that runs out of memory halves the effective {@code max-num-seqs} and requeues its
 * sequences as they were; the limit grows back by one every {@value #RECOVERY_STEPS} clean
 * steps. Requests of one tenant starting with the same tokens reuse each other's prompt KV
 * through the {@link PrefixCache}. Only {@link #submit}, {@link GenerationTask#cancel()},
 * {@link #eraseTenant} and the gauges are called from other threads.
 */
public final class BatchScheduler implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

	/** Clean steps after an out-of-memory step before the sequence limit grows by one. */
	static final int RECOVERY_STEPS = 64;

	private static final long MAX_RETRY_SECONDS = 60;

	private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final String name;

	private final LanguageModel model;

	private final SchedulerLimits limits;

	private final @Nullable PrefixCache prefixes;

	private final SchedulerMetrics metrics;

	private final LongSupplier nanoTime;

	private final ConcurrentLinkedQueue<GenerationTask> inbox = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<TenantId> erasures = new ConcurrentLinkedQueue<>();

	/** Requests not yet running: in the inbox or the waiting queue. */
	private final AtomicInteger queued = new AtomicInteger();

	/** Requests accepted and not yet over, running or waiting: what the router balances. */
	private final AtomicInteger inHand = new AtomicInteger();

	private final WaitingQueue waiting;

	/** In admission order, oldest first. */
	private final List<GenerationTask> running = new ArrayList<>();

	private final long[] completions = new long[64];

	private int completionCount;

	private long admissions;

	private int effectiveMaxSeqs;

	private int cleanSteps;

	private volatile int runningCount;

	private volatile long kvUsed;

	private volatile long steps;

	private volatile double completionsPerSecond;

	private volatile boolean stopped;

	private volatile @Nullable Thread thread;

	/**
	 * @param name the model and replica, for the thread and the logs
	 * @param prefixes the replica's prefix cache; null to reuse nothing
	 */
	public BatchScheduler(String name, LanguageModel model, SchedulerLimits limits, @Nullable PrefixCache prefixes,
			SchedulerMetrics metrics, LongSupplier nanoTime) {
		this.name = name;
		this.model = model;
		this.limits = limits;
		this.prefixes = prefixes;
		this.metrics = metrics;
		this.nanoTime = nanoTime;
		this.waiting = new WaitingQueue(limits.aging().toNanos());
		this.effectiveMaxSeqs = limits.maxNumSeqs();
	}

	/** Starts the step loop on a thread of its own. */
	public synchronized void start() {
		if (this.thread == null) {
			Thread loop = new Thread(this::loop, "inference-" + this.name);
			loop.setDaemon(true);
			this.thread = loop;
			loop.start();
		}
	}

	/**
	 * Queues a generation. A queue that is full refuses it at once, as {@code overloaded}
	 * with a {@code Retry-After}, through its listener.
	 */
	public void submit(GenerationTask task) {
		task.submittedNanos = this.nanoTime.getAsLong();
		if (this.stopped) {
			task.listener().onError(new ApiException(ErrorCode.MODEL_UNAVAILABLE, "The model is shutting down")
				.withRetryAfter(Duration.ofSeconds(5)));
			return;
		}
		long need = task.decoding().capacity();
		if (need > this.limits.kvTokens()) {
			task.listener().onError(new ApiException(ErrorCode.OVERLOADED, "This request needs KV memory for " + need
					+ " tokens; this replica holds " + this.limits.kvTokens() + " in all. Ask for fewer max_tokens.")
				.withRetryAfter(retryAfter()));
			return;
		}
		if (this.queued.incrementAndGet() > this.limits.maxQueue()) {
			this.queued.decrementAndGet();
			Duration retry = retryAfter();
			task.listener().onError(new ApiException(ErrorCode.OVERLOADED, "The model is busy: " + this.limits.maxQueue()
					+ " requests are waiting; retry in " + retry.toSeconds() + " s").withRetryAfter(retry));
			return;
		}
		task.ownedBy(this);
		this.inHand.incrementAndGet();
		this.inbox.add(task);
		wake();
	}

	/** Drops a tenant's prefix blocks, when its data is erased; done on the step loop. */
	public void eraseTenant(TenantId tenant) {
		this.erasures.add(tenant);
		wake();
	}

	/** Generations running now. */
	public int running() {
		return this.runningCount;
	}

	/** Generations waiting to start. */
	public int waiting() {
		return this.queued.get();
	}

	/** Work in hand, for routing between replicas: running plus waiting. */
	public int outstanding() {
		return this.inHand.get();
	}

	/** Tokens of KV cache the running sequences hold. */
	public long kvTokensUsed() {
		return this.kvUsed;
	}

	public long kvTokensBudget() {
		return this.limits.kvTokens();
	}

	/** Steps run so far. */
	public long steps() {
		return this.steps;
	}

	/** The sequence limit in force: {@code max-num-seqs}, or less after running out of memory. */
	public synchronized int effectiveMaxSeqs() {
		return this.effectiveMaxSeqs;
	}

	/** The prefix cache's blocks, for tests and the cache's own bound. */
	@Nullable PrefixCache prefixCache() {
		return this.prefixes;
	}

	void wake() {
		Thread loop = this.thread;
		if (loop != null) {
			LockSupport.unpark(loop);
		}
	}

	/**
	 * Runs one step.
	 * @return whether there was anything to do
	 */
	public synchronized boolean step() {
		long now = this.nanoTime.getAsLong();
		takeArrivals(now);
		dropCancelled();
		for (GenerationTask expired : this.waiting.expire(now)) {
			this.queued.decrementAndGet();
			this.inHand.decrementAndGet();
			Duration retry = retryAfter();
			notify(expired, () -> expired.listener()
				.onError(new ApiException(ErrorCode.OVERLOADED, "The model is busy: the request could not start within "
						+ this.limits.timeout(expired.priority()).toMillis() + " ms; retry in " + retry.toSeconds() + " s")
					.withRetryAfter(retry)));
		}
		if (this.running.isEmpty() && this.waiting.isEmpty()) {
			publish();
			return false;
		}
		Map<GenerationTask, Chunk> plan = plan(now);
		if (plan.isEmpty()) {
			publish();
			return true;
		}
		List<GenerationTask> members = new ArrayList<>(plan.keySet());
		List<Chunk> chunks = new ArrayList<>(plan.values());
		float[][] logits;
		try {
			logits = this.model.step(chunks);
		}
		catch (RuntimeException | OutOfMemoryError ex) {
			if (OutOfMemory.is(ex)) {
				recover(members, ex);
			}
			else {
				fail(members, ex);
			}
			publish();
			return true;
		}
		this.steps++;
		if (this.effectiveMaxSeqs < this.limits.maxNumSeqs() && ++this.cleanSteps >= RECOVERY_STEPS) {
			this.effectiveMaxSeqs++;
			this.cleanSteps = 0;
		}
		this.metrics.step(members.size());
		long after = this.nanoTime.getAsLong();
		for (int i = 0; i < members.size(); i++) {
			GenerationTask task = members.get(i);
			rememberPrefix(task);
			if (logits[i] != null && !task.cancelled()) {
				advance(task, logits[i], after);
			}
		}
		publish();
		return true;
	}

	/** Decide this step's chunks: decoding sequences first, then prompts, then new requests. */
	private Map<GenerationTask, Chunk> plan(long now) {
		Map<GenerationTask, Chunk> plan = new LinkedHashMap<>();
		int budget = this.limits.maxBatchedTokens();
		for (GenerationTask task : this.running) {
			int computed = task.computed();
			if (computed > 0 && task.decoding().pending(computed) == 1) {
				plan.put(task, new Chunk(task.sequence, task.decoding().next(computed, 1), true));
				budget--;
			}
		}
		for (GenerationTask task : this.running) {
			if (budget <= 0) {
				break;
			}
			if (!plan.containsKey(task)) {
				budget -= prefill(task, budget, plan);
			}
		}
		while (budget > 0 && this.running.size() < this.effectiveMaxSeqs) {
			GenerationTask next = this.waiting.poll(now);
			if (next == null) {
				break;
			}
			if (kvHeld() + next.decoding().capacity() > this.limits.kvTokens()) {
				this.waiting.putBack(next);
				break;
			}
			admit(next, now);
			budget -= prefill(next, budget, plan);
		}
		preemptToFit(plan);
		return plan;
	}

	/** Plans the next piece of a sequence's input; returns the tokens it takes. */
	private int prefill(GenerationTask task, int budget, Map<GenerationTask, Chunk> plan) {
		int computed = task.computed();
		int pending = task.decoding().pending(computed);
		int take = Math.min(pending, budget);
		plan.put(task, new Chunk(task.sequence, task.decoding().next(computed, take), take == pending));
		return take;
	}

	private void admit(GenerationTask task, long now) {
		this.queued.decrementAndGet();
		Decoding decoding = task.decoding();
		LanguageModel.Sequence sequence = this.model.newSequence(decoding.capacity());
		task.sequence = sequence;
		task.admission = ++this.admissions;
		if (this.prefixes != null && task.tenant() != null) {
			// At least the last prompt token is always computed: its logits start the answer.
			List<LanguageModel.KvBlock> blocks = this.prefixes.lookup(task.tenant(), task.prompt(),
					task.prompt().length - 1);
			long queried = this.prefixes.queriedTokens();
			long hits = this.prefixes.hitTokens();
			if (!blocks.isEmpty()) {
				sequence.appendKv(blocks);
			}
			this.metrics.prefixLookup(queried - this.prefixQueried, hits - this.prefixHit);
			this.prefixQueried = queried;
			this.prefixHit = hits;
		}
		if (task.admittedNanos < 0) {
			task.admittedNanos = now;
			task.deadlineNanos = Long.MAX_VALUE;
			this.metrics.started(task.prompt().length, now - task.submittedNanos);
		}
		this.running.add(task);
	}

	private long prefixQueried;

	private long prefixHit;

	/** While the planned step would take the KV cache past its budget, preempt the newest sequence. */
	private void preemptToFit(Map<GenerationTask, Chunk> plan) {
		long projected = 0;
		for (GenerationTask task : this.running) {
			projected += projectedAllocation(task, plan);
		}
		while (projected > this.limits.kvTokens() && this.running.size() > 1) {
			GenerationTask newest = this.running.stream().max(Comparator.comparingLong((task) -> task.admission)).get();
			projected -= projectedAllocation(newest, plan);
			plan.remove(newest);
			preempt(newest);
			this.metrics.preempted();
		}
	}

	private static long projectedAllocation(GenerationTask task, Map<GenerationTask, Chunk> plan) {
		Chunk chunk = plan.get(task);
		int needed = task.computed() + ((chunk != null) ? chunk.tokens().length : 0);
		return task.sequence.allocatedAfter(needed);
	}

	/** Frees a running sequence's cache and puts it first in line, to be recomputed. */
	private void preempt(GenerationTask task) {
		this.running.remove(task);
		task.sequence.close();
		task.sequence = null;
		task.preemptions++;
		this.waiting.addPreempted(task);
		this.queued.incrementAndGet();
		log.debug("Preempted a sequence of {} after {} tokens; it will be recomputed", this.name,
				task.decoding().generated());
	}

	/** A step ran out of memory: fewer sequences from now on, and this step's back in line as they were. */
	private void recover(List<GenerationTask> members, Throwable failure) {
		int before = this.effectiveMaxSeqs;
		this.effectiveMaxSeqs = Math.max(1, before / 2);
		this.cleanSteps = 0;
		List<GenerationTask> requeue = new ArrayList<>(members);
		requeue.sort(Comparator.comparingLong((GenerationTask task) -> task.admission).reversed());
		for (GenerationTask task : requeue) {
			preempt(task);
		}
		while (this.running.size() > this.effectiveMaxSeqs) {
			preempt(this.running.get(this.running.size() - 1));
		}
		this.metrics.oomRecovered();
		log.warn("A step of {} sequences on {} ran out of memory ({}); they are requeued, and max-num-seqs is {} "
				+ "until {} clean steps have passed", members.size(), this.name, failure.getClass().getSimpleName(),
				this.effectiveMaxSeqs, RECOVERY_STEPS);
	}

	/** Anything else a step throws fails its sequences; the others go on. */
	private void fail(List<GenerationTask> members, Throwable failure) {
		// The exception's class only: engine messages could quote the prompt.
		log.error("A step of {} sequences on {} failed: {}", members.size(), this.name, failure.getClass().getName());
		for (GenerationTask task : members) {
			this.running.remove(task);
			this.inHand.decrementAndGet();
			task.sequence.close();
			task.sequence = null;
			notify(task, () -> task.listener().onError(failure));
		}
	}

	/** Keeps the prompt's KV blocks once the prompt is in, for this tenant's next requests. */
	private void rememberPrefix(GenerationTask task) {
		if (this.prefixes != null && task.tenant() != null && !task.prefixStored && task.sequence != null
				&& task.computed() >= task.prompt().length) {
			task.prefixStored = true;
			this.prefixes.store(task.tenant(), task.prompt(), task.computed(), task.sequence);
		}
	}

	/** Samples a sequence's next token and reports it. */
	private void advance(GenerationTask task, float[] logits, long now) {
		Decoding.Step step = task.decoding().accept(logits);
		boolean first = task.lastTokenNanos < 0;
		this.metrics.token(now - task.lastTokenNanos, first, now - task.submittedNanos);
		task.lastTokenNanos = now;
		if (!step.text().isEmpty()) {
			notify(task, () -> task.listener().onText(step.text(), step.generated()));
		}
		if (step.finish() != null) {
			this.running.remove(task);
			this.inHand.decrementAndGet();
			task.sequence.close();
			task.sequence = null;
			this.completions[this.completionCount++ % this.completions.length] = now;
			this.metrics.finished(now - task.submittedNanos);
			notify(task, () -> task.listener().onFinish(step.finish(), task.prompt().length, step.generated()));
		}
	}

	private void takeArrivals(long now) {
		for (GenerationTask task = this.inbox.poll(); task != null; task = this.inbox.poll()) {
			task.deadlineNanos = now + this.limits.timeout(task.priority()).toNanos();
			this.waiting.add(task);
		}
		for (TenantId tenant = this.erasures.poll(); tenant != null; tenant = this.erasures.poll()) {
			if (this.prefixes != null) {
				this.prefixes.dropTenant(tenant);
			}
		}
	}

	/** Clients that went away: out of the batch and the queue, their KV memory freed now. */
	private void dropCancelled() {
		for (int i = this.running.size() - 1; i >= 0; i--) {
			GenerationTask task = this.running.get(i);
			if (task.cancelled()) {
				this.running.remove(i);
				this.inHand.decrementAndGet();
				task.sequence.close();
				task.sequence = null;
			}
		}
		int left = this.waiting.removeCancelled().size();
		this.queued.addAndGet(-left);
		this.inHand.addAndGet(-left);
	}

	private long kvHeld() {
		long held = 0;
		for (GenerationTask task : this.running) {
			held += task.sequence.allocated();
		}
		return held;
	}

	private void publish() {
		this.runningCount = this.running.size();
		this.kvUsed = kvHeld();
		int count = Math.min(this.completionCount, this.completions.length);
		if (count >= 2) {
			long newest = this.completions[(this.completionCount - 1) % this.completions.length];
			long oldest = this.completions[(this.completionCount - count) % this.completions.length];
			long span = newest - oldest;
			this.completionsPerSecond = (span > 0) ? (count - 1) * 1e9 / span : 0;
		}
	}

	/**
	 * When to come back: the requests ahead divided by how many finish per second lately; a
	 * second while nothing has finished yet; never more than a minute.
	 */
	Duration retryAfter() {
		double rate = this.completionsPerSecond;
		int ahead = this.queued.get();
		long seconds = (rate > 0) ? (long) Math.ceil(ahead / rate) : 1;
		return Duration.ofSeconds(Math.max(1, Math.min(MAX_RETRY_SECONDS, seconds)));
	}

	/** A listener's failure must not stop the loop that every other request depends on. */
	private void notify(GenerationTask task, Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			log.warn("A generation's listener failed on {}: {}", this.name, ex.getClass().getName());
			task.cancel();
		}
	}

	private void loop() {
		while (!this.stopped) {
			boolean busy;
			try {
				busy = step();
			}
			catch (RuntimeException | Error ex) {
				log.error("The step loop of {} failed; it carries on", this.name, ex);
				busy = false;
			}
			if (!busy && this.inbox.isEmpty() && this.erasures.isEmpty()) {
				LockSupport.parkNanos(this, IDLE_PARK_NANOS);
			}
		}
	}

	/** Stops the loop; what still waits or runs fails as {@code model_unavailable}. */
	@Override
	public void close() {
		this.stopped = true;
		Thread loop = this.thread;
		if (loop != null) {
			LockSupport.unpark(loop);
			try {
				loop.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			ApiException unavailable = new ApiException(ErrorCode.MODEL_UNAVAILABLE, "The model is shutting down")
				.withRetryAfter(Duration.ofSeconds(5));
			List<GenerationTask> left = new ArrayList<>(this.running);
			this.running.clear();
			left.addAll(this.waiting.drain());
			for (GenerationTask task = this.inbox.poll(); task != null; task = this.inbox.poll()) {
				left.add(task);
			}
			this.inHand.set(0);
			for (GenerationTask task : left) {
				if (task.sequence != null) {
					task.sequence.close();
					task.sequence = null;
				}
				notify(task, () -> task.listener().onError(unavailable));
			}
			if (this.prefixes != null) {
				this.prefixes.close();
			}
			publish();
		}
	}

}
