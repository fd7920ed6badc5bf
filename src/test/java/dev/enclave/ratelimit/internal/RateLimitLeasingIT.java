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
 * Grants on the real store: three replicas, each with its own {@link Limiter} and
 * {@link Grants} of 5 % on one PostgreSQL, share a requests/minute limit for three
 * simulated minutes on a clock the test moves, deciding like {@link RateLimiter} does (on
 * what the replica holds when it can, in the store otherwise) with the housekeeping pass on
 * allowances every quarter of their age (unspent ones back, ones in use topped up ahead of need). Under twice the limit they admit at most what an exact limiter allows, up to the lag
 * of a grant's spend behind its count; under the limit they admit everything while reaching the
 * store a small fraction as often as an exact limiter.
 */
class RateLimitLeasingIT {

	private static final int REPLICAS = 3;

	private static final long PER_MINUTE = 1200;

	private static final double REFILL_PER_SECOND = PER_MINUTE / 60.0;

	private static final Duration RUN = Duration.ofMinutes(3);

	private static final Duration STEP = Duration.ofMillis(20);

	private static final Duration MAX_AGE = Duration.ofSeconds(1);

	/**
	 * The longest a granted token waits between its count in the store and its spend: its age,
	 * and the pass that gives it back once older.
	 */
	private static final Duration LAG = MAX_AGE.multipliedBy(2);

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
	void replicasNeverSpendMoreThanTheStoreCountedInAnyWindow() {
		// 0.3 requests per 20 ms per replica: 2.25 × the limit's refill in all.
		Run granted = run(0.05, 30, PER_MINUTE);
		Run exact = run(0, 30, PER_MINUTE);
		for (Duration window : List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
				Duration.ofMinutes(2))) {
			long exactLimit = allowedIn(window);
			System.out.printf("Window %s: an exact limiter allows %d; exact admitted at most %d, granted at most %d"
					+ " (bound %d)%n", window, exactLimit, exact.mostIn(window), granted.mostIn(window),
					allowedIn(window.plus(LAG)));
			assertThat(exact.mostIn(window)).as("exact, in a window of %s", window).isLessThanOrEqualTo(exactLimit);
			assertThat(granted.mostIn(window)).as("granted, in a window of %s", window)
				.isLessThanOrEqualTo(allowedIn(window.plus(LAG)));
		}
		// Over the whole run, never more than the store counted: the limit is exact.
		long budget = PER_MINUTE + Math.round(REFILL_PER_SECOND * RUN.toSeconds());
		assertThat(granted.admitted()).isLessThanOrEqualTo(budget);
		// Not stingy either: what sits in a grant goes back within its lag, so nearly all of the budget is used.
		assertThat(granted.admitted()).isGreaterThanOrEqualTo(budget * 95 / 100);
		assertThat(exact.admitted()).isGreaterThanOrEqualTo(budget * 99 / 100);
		System.out.printf("Overloaded: exact admitted %d in %d store transactions, granted %d in %d%n", exact.admitted(),
				exact.transactions(), granted.admitted(), granted.transactions());
	}

	@Test
	void underTheLimitEveryRequestIsAdmittedWithFewStoreCalls() {
		// A request per 20 ms per replica, 150 a second: three quarters of a 12,000 a minute limit's refill.
		Run granted = run(0.05, 100, 12_000);
		Run exact = run(0, 100, 12_000);
		System.out.printf("Under the limit: exact admitted %d of %d in %d store transactions, granted %d of %d in %d"
				+ " (%d requests waited for the store)%n", exact.admitted(), exact.offered(), exact.transactions(),
				granted.admitted(), granted.offered(), granted.transactions(), granted.waited());
		assertThat(exact.admitted()).isEqualTo(exact.offered());
		assertThat(granted.admitted()).isEqualTo(granted.offered());
		// The point of it: the store sees a small fraction of the transactions.
		assertThat(granted.transactions() * 5).isLessThan(exact.transactions());
		// And no request waits for one but each replica's first: allowances in use are topped up
		// ahead of need. Without that, the first request after each allowance's age waited (540).
		assertThat(granted.waited()).isLessThanOrEqualTo(REPLICAS);
	}

	@Test
	void concurrentRequestsOnAFreshOrSweptBucketAreAllDecided() throws Exception {
		Limiter replica = replica(0.05);
		ScopedLimits key = limits(PER_MINUTE);
		// A fresh bucket: its first requests arrive together.
		assertThat(admitConcurrently(replica, key, 8, 20)).isEqualTo(160);
		// Its row is swept by some replica (a full bucket expires) while this one holds a grant.
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
						if (decide(replica, List.of(key), lease).admitted()) {
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
	void unspentGrantsGoBackOnceOlderThanTheirAgeAndAllAtAGracefulShutdown() {
		Limiter replica = replica(0.05);
		PostgresBuckets observer = new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock));
		ScopedLimits limits = limits(PER_MINUTE);
		for (int i = 0; i < 20; i++) {
			assertThat(decide(replica, List.of(limits), UUID.randomUUID()).admitted()).isTrue();
		}
		// The first request took itself and a grant of 60 in one transaction; 19 were spent from the grant.
		assertThat(available(observer, limits)).isEqualTo(PER_MINUTE - 61);
		replica.returnGrants(false);
		assertThat(available(observer, limits)).as("younger than its age: kept").isEqualTo(PER_MINUTE - 61);
		this.clock.advance(Duration.ofMillis(500));
		assertThat(decide(replica, List.of(limits), UUID.randomUUID()).admitted()).isTrue();
		this.clock.advance(Duration.ofMillis(501));
		replica.returnGrants(false);
		// The 40 unspent came back, on top of 1.001 s of refill (20): 21 spent in all, and
		// nothing was spent that the store had not counted first.
		assertThat(available(observer, limits)).isEqualTo(PER_MINUTE - 61 + 20 + 40);
		// A graceful shutdown gives back grants of any age.
		ScopedLimits other = limits(PER_MINUTE);
		assertThat(decide(replica, List.of(other), UUID.randomUUID()).admitted()).isTrue();
		assertThat(available(observer, other)).isEqualTo(PER_MINUTE - 61);
		replica.returnGrants(true);
		assertThat(available(observer, other)).isEqualTo(PER_MINUTE - 1);
	}

	/** Decides as {@link RateLimiter} does: on what the replica holds when it can, in the store otherwise. */
	private static Decision decide(Limiter replica, List<ScopedLimits> limits, UUID lease) {
		Decision local = replica.admitLocally(limits, lease);
		return (local != null) ? local : replica.admit(limits, lease);
	}

	private static long available(PostgresBuckets observer, ScopedLimits limits) {
		return observer.requests(limits).getAvailableTokens();
	}

	private Limiter replica(double share) {
		return new Limiter(new PostgresBuckets(this.dataSource, Buckets.timeMeter(this.clock)), new MemoryLeases(),
				(share > 0) ? new Grants(share, MAX_AGE, Buckets.timeMeter(this.clock)) : null);
	}

	/** What an exact limiter admits at most in a window of this length: a full bucket and the window's refill. */
	private static long allowedIn(Duration window) {
		return PER_MINUTE + Math.round(REFILL_PER_SECOND * window.toMillis() / 1000.0);
	}

	/**
	 * One simulated run against a limit of {@code perMinute}: every replica offers a request with
	 * {@code percent} % chance each step, and runs the housekeeping pass on allowances every quarter of their age.
	 */
	private Run run(double share, int percent, long perMinute) {
		ScopedLimits key = limits(perMinute);
		List<Limiter> replicas = new ArrayList<>();
		for (int i = 0; i < REPLICAS; i++) {
			replicas.add(replica(share));
		}
		Random random = new Random(17);
		long start = this.clock.nanos();
		long before = this.dataSource.transactions();
		List<Long> admitted = new ArrayList<>();
		long offered = 0;
		long waited = 0;
		// The replicas' housekeeping pass on allowances, as RateLimitConfiguration schedules it:
		// every quarter of their age, give back what is past its age and top up what is in use.
		long stepsPerPass = MAX_AGE.toNanos() / 4 / STEP.toNanos();
		long step = 0;
		for (long t = 0; t < RUN.toNanos(); t += STEP.toNanos()) {
			for (Limiter replica : replicas) {
				if (random.nextInt(100) < percent) {
					offered++;
					UUID lease = UUID.randomUUID();
					Decision local = replica.admitLocally(List.of(key), lease);
					if (local == null) {
						waited++;
					}
					if (((local != null) ? local : replica.admit(List.of(key), lease)).admitted()) {
						admitted.add(this.clock.nanos() - start);
						replica.release(lease);
					}
				}
			}
			this.clock.advance(STEP);
			if (++step % stepsPerPass == 0) {
				replicas.forEach((replica) -> {
					replica.returnGrants(false);
					replica.refreshGrants();
				});
			}
		}
		return new Run(admitted, offered, this.dataSource.transactions() - before, waited);
	}

	private static ScopedLimits limits(long perMinute) {
		return new ScopedLimits(new Scope(Scope.Kind.KEY, UUID.randomUUID()),
				new Tier(perMinute, 1_000_000, 10_000_000, 1_000_000));
	}

	/**
	 * The times (since the run's start) of admitted requests, in order, what was offered, the
	 * store transactions, and the requests that waited for one (not decided on what the replica held).
	 */
	private record Run(List<Long> times, long offered, long transactions, long waited) {

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
