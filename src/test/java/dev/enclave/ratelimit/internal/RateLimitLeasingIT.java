package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bound on locally leased allowances, proven on the real store: three replicas, each with
 * its own {@link PostgresBuckets} on one PostgreSQL and a 5 % allowance, share a 1,200
 * requests/minute limit under over twice that load for three simulated minutes on a clock the
 * test moves. In every
 * window, of every length, they admit at most what an exact limiter could plus
 * {@code N × allowance}; they admit nearly all of what it could; and they reach the store a
 * small fraction as often as an exact limiter does.
 */
class RateLimitLeasingIT {

	private static final int REPLICAS = 3;

	private static final long PER_MINUTE = 1200;

	private static final double REFILL_PER_SECOND = PER_MINUTE / 60.0;

	private static final Duration RUN = Duration.ofMinutes(3);

	private static final Duration STEP = Duration.ofMillis(20);

	private final SteppedClock clock = new SteppedClock();

	private CountingStore dataSource;

	@BeforeEach
	void store() {
		this.dataSource = CountingStore.migrated();
	}

	@AfterEach
	void closeStore() {
		this.dataSource.close();
	}

	@Test
	void replicasOverspendAtMostTheirAllowancesInAnyWindow() {
		PostgresBuckets.LocalAllowance allowance = new PostgresBuckets.LocalAllowance(0.05, Duration.ofSeconds(1));
		long perReplica = allowance.tokensOf(PER_MINUTE);
		assertThat(perReplica).isEqualTo(60);
		Run leased = run(allowance);
		Run exact = run(new PostgresBuckets.LocalAllowance(0, Duration.ofSeconds(1)));

		long bound = REPLICAS * perReplica;
		for (Duration window : List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
				Duration.ofMinutes(2))) {
			long exactLimit = PER_MINUTE + Math.round(REFILL_PER_SECOND * window.toMillis() / 1000.0);
			System.out.printf("Window %s: exact limiter allows %d; exact admitted at most %d, leased at most %d (bound %d)%n",
					window, exactLimit, exact.mostIn(window), leased.mostIn(window), exactLimit + bound);
			assertThat(exact.mostIn(window)).as("exact, in a window of %s", window).isLessThanOrEqualTo(exactLimit);
			assertThat(leased.mostIn(window)).as("leased, in a window of %s", window)
				.isLessThanOrEqualTo(exactLimit + bound);
		}
		// In steady state, after the first burst, a minute admits the refill and at most the allowances.
		long steady = leased.admittedBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
		System.out.printf("Steady minute: exact %d, leased %d; store transactions: exact %d, leased %d for %d and %d"
				+ " admitted%n", exact.admittedBetween(Duration.ofMinutes(2), Duration.ofMinutes(3)), steady,
				exact.transactions(), leased.transactions(), exact.admitted(), leased.admitted());
		assertThat(steady).isLessThanOrEqualTo(PER_MINUTE + bound);
		// Not stingy either: a stale copy refuses for at most its age, so nearly all of the budget is used.
		long budget = PER_MINUTE + Math.round(REFILL_PER_SECOND * RUN.toSeconds());
		assertThat(leased.admitted()).isGreaterThanOrEqualTo(budget * 95 / 100);
		assertThat(exact.admitted()).isGreaterThanOrEqualTo(budget * 99 / 100);
		// And the point of it: the store sees a small fraction of the transactions.
		assertThat(leased.transactions() * 5).isLessThan(exact.transactions());
	}

	@Test
	void concurrentRequestsOnAFreshOrSweptBucketAreAllDecided() throws Exception {
		Limiter replica = new Limiter(new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock),
				new PostgresBuckets.LocalAllowance(0.05, Duration.ofSeconds(1))), new MemoryLeases());
		ScopedLimits key = limits();
		// A fresh bucket: its first requests arrive together.
		assertThat(admitConcurrently(replica, key, 8, 20)).isEqualTo(160);
		// Its row is swept by some replica (a full bucket expires) while this one keeps a copy,
		// and the copy's next charge finds no row.
		TestDatabase.update("DELETE FROM ratelimit_buckets");
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(admitConcurrently(replica, key, 8, 20)).isEqualTo(160);
	}

	/** Admits from {@code threads} threads at once; returns how many were admitted. Any failure fails. */
	private static int admitConcurrently(Limiter replica, ScopedLimits key, int threads, int each) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(pool.submit(() -> {
					start.await();
					int admitted = 0;
					for (int i = 0; i < each; i++) {
						UUID lease = UUID.randomUUID();
						if (replica.admit(List.of(key), lease).admitted()) {
							admitted++;
							replica.release(lease);
						}
					}
					return admitted;
				}));
			}
			start.countDown();
			int admitted = 0;
			for (Future<Integer> result : results) {
				admitted += result.get();
			}
			return admitted;
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aGracefulShutdownChargesWhatWasSpentLocally() {
		PostgresBuckets first = new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock),
				new PostgresBuckets.LocalAllowance(0.05, Duration.ofMinutes(1)));
		ScopedLimits limits = limits();
		for (int i = 0; i < 50; i++) {
			assertThat(first.requests(limits).tryConsume(1)).isTrue();
		}
		PostgresBuckets second = new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock),
				new PostgresBuckets.LocalAllowance(0, Duration.ofMinutes(1)));
		// The first spent 50 on its copy after one charged request: the store knows of 1.
		assertThat(second.requests(limits).getAvailableTokens()).isEqualTo(PER_MINUTE - 1);
		first.close();
		assertThat(second.requests(limits).getAvailableTokens()).isEqualTo(PER_MINUTE - 50);
	}

	@Test
	void anIdleCopyIsChargedOnceItIsOlderThanItsAge() {
		PostgresBuckets replica = new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock),
				new PostgresBuckets.LocalAllowance(0.05, Duration.ofSeconds(1)));
		PostgresBuckets observer = new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock),
				new PostgresBuckets.LocalAllowance(0, Duration.ofSeconds(1)));
		ScopedLimits limits = limits();
		for (int i = 0; i < 50; i++) {
			assertThat(replica.requests(limits).tryConsume(1)).isTrue();
		}
		replica.syncIdle();
		assertThat(observer.requests(limits).getAvailableTokens()).as("younger than its age: not charged yet")
			.isEqualTo(PER_MINUTE - 1);
		this.clock.advance(Duration.ofMillis(1001));
		replica.syncIdle();
		// Uncharged, the shared bucket would be full again: 1,199 and 1.001 s of refill (20) cap at
		// 1,200. The 49 spent locally are charged after that refill, which is exactly the
		// overspend the bound allows: the store could not know of them when it refilled.
		assertThat(observer.requests(limits).getAvailableTokens()).isEqualTo(PER_MINUTE - 49);
		assertThat(replica.localCopies()).isEqualTo(1);
	}

	/** One simulated run: every replica offers about three times its share each step. */
	private Run run(PostgresBuckets.LocalAllowance allowance) {
		ScopedLimits key = limits();
		List<Limiter> replicas = new ArrayList<>();
		for (int i = 0; i < REPLICAS; i++) {
			replicas.add(new Limiter(new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock), allowance),
					new MemoryLeases()));
		}
		Random random = new Random(17);
		long start = this.clock.nanos();
		long before = this.dataSource.transactions();
		List<Long> admitted = new ArrayList<>();
		for (long t = 0; t < RUN.toNanos(); t += STEP.toNanos()) {
			for (Limiter replica : replicas) {
				// 0.3 requests per 20 ms: 15 a second per replica, 2.25 × the limit's refill in all.
				int offered = (random.nextInt(10) < 3) ? 1 : 0;
				for (int i = 0; i < offered; i++) {
					UUID lease = UUID.randomUUID();
					if (replica.admit(List.of(key), lease).admitted()) {
						admitted.add(this.clock.nanos() - start);
						replica.release(lease);
					}
				}
			}
			this.clock.advance(STEP);
		}
		return new Run(admitted, this.dataSource.transactions() - before);
	}

	private static ScopedLimits limits() {
		return new ScopedLimits(new Scope(Scope.Kind.KEY, UUID.randomUUID()),
				new Tier(PER_MINUTE, 1_000_000, 10_000_000, 1_000_000));
	}

	/** The times (since the run's start) of admitted requests, in order, and the store transactions. */
	private record Run(List<Long> times, long transactions) {

		long admitted() {
			return this.times.size();
		}

		long admittedBetween(Duration from, Duration to) {
			return this.times.stream().filter((t) -> t >= from.toNanos() && t < to.toNanos()).count();
		}

		/** The most admitted in any window of this length: two pointers over the sorted times. */
		long mostIn(Duration window) {
			long most = 0;
			int first = 0;
			for (int last = 0; last < this.times.size(); last++) {
				while (this.times.get(last) - this.times.get(first) >= window.toNanos()) {
					first++;
				}
				most = Math.max(most, last - first + 1);
			}
			return most;
		}

	}

}
