package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrency slots kept by replicas, on the real store: several {@link PostgresLeases} on one
 * PostgreSQL never hold more slots of a scope than its limit, refuse only when every slot is
 * held by someone, reuse their own free slots without a transaction, and give spare slots
 * back.
 */
class ConcurrencySlotsIT {

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
	void replicasNeverHoldMoreThanTheLimitAndRefuseOnlyWhenEverySlotIsHeld() {
		int limit = 20;
		ScopedLimits key = limits(limit);
		List<PostgresLeases> replicas = new ArrayList<>();
		List<Deque<UUID>> running = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			replicas.add(new PostgresLeases(this.dataSource, Duration.ofMinutes(2), 0.1));
			running.add(new ArrayDeque<>());
		}
		assertThat(replicas.get(0).spareOf(limit)).isEqualTo(2);
		Random random = new Random(7);
		int admitted = 0;
		int refused = 0;
		for (int step = 0; step < 3000; step++) {
			int r = random.nextInt(replicas.size());
			PostgresLeases replica = replicas.get(r);
			Deque<UUID> mine = running.get(r);
			// Slightly more takes than gives: the scope runs full for most of the test.
			if (random.nextInt(100) < 55 || mine.isEmpty()) {
				UUID lease = UUID.randomUUID();
				if (replica.acquire(lease, List.of(key))) {
					mine.push(lease);
					admitted++;
				}
				else {
					refused++;
					assertThat(rows(key)).as("refused only when every slot is held").isEqualTo(limit);
				}
			}
			else {
				UUID lease = random.nextBoolean() ? mine.pollFirst() : mine.pollLast();
				assertThat(replica.release(lease)).as("a slot kept here needs no store").isNull();
			}
			int inFlight = running.stream().mapToInt(Deque::size).sum();
			assertThat(inFlight).as("requests in flight").isLessThanOrEqualTo(limit);
			if (step % 10 == 9) {
				assertThat(rows(key)).as("slots in the store").isLessThanOrEqualTo(limit);
			}
			if (step % 100 == 99) {
				replicas.forEach(PostgresLeases::returnSpare);
				for (int i = 0; i < replicas.size(); i++) {
					assertThat(replicas.get(i).held(key.scope().storeKey()))
						.as("after a pass a replica holds its running requests and at most its spare")
						.isLessThanOrEqualTo(running.get(i).size() + 2);
				}
			}
		}
		System.out.printf("Slots: %d admitted, %d refused, %d store calls%n", admitted, refused, this.dataSource.transactions());
		assertThat(admitted).isGreaterThan(1000);
		assertThat(refused).isGreaterThan(0);
	}

	@Test
	void aRequestThatFindsAFreeSlotNeedsNoTransactionAndSpareSlotsGoBack() {
		ScopedLimits key = limits(100);
		PostgresLeases replica = new PostgresLeases(this.dataSource, Duration.ofMinutes(2), 0.1);
		String scope = key.scope().storeKey();
		for (int i = 0; i < 50; i++) {
			UUID lease = UUID.randomUUID();
			assertThat(replica.acquire(lease, List.of(key))).isTrue();
			assertThat(replica.release(lease)).isNull();
		}
		assertThat(this.dataSource.transactions()).as("one transaction for the first request and 10 spare slots").isEqualTo(1);
		assertThat(rows(key)).isEqualTo(11);
		// Without the store at all: a free slot is taken here, and a scope with none here says so.
		UUID local = UUID.randomUUID();
		assertThat(replica.acquireLocally(local, List.of(key))).isTrue();
		assertThat(replica.acquireLocally(UUID.randomUUID(), List.of(key, limits(100)))).as("no slot held for the second scope")
			.isFalse();
		assertThat(replica.release(local)).isNull();
		assertThat(this.dataSource.transactions()).isEqualTo(1);
		assertThat(replica.held(scope)).as("the refused local take kept nothing").isEqualTo(11);
		replica.returnSpare();
		assertThat(replica.held(scope)).as("used since the last pass: keeps its spare").isEqualTo(10);
		assertThat(rows(key)).isEqualTo(10);
		replica.returnSpare();
		assertThat(replica.held(scope)).as("idle for a pass: gives every free slot back").isZero();
		assertThat(rows(key)).isZero();
	}

	@Test
	void withoutASpareEverySlotLeavesAtOnceAndAGracefulShutdownGivesFreeSlotsBack() {
		ScopedLimits small = limits(8);
		PostgresLeases replica = new PostgresLeases(this.dataSource, Duration.ofMinutes(2), 0.1);
		assertThat(replica.spareOf(8)).as("0.1 of 8 rounds down to none").isZero();
		UUID lease = UUID.randomUUID();
		assertThat(replica.acquire(lease, List.of(small))).isTrue();
		Runnable rest = replica.release(lease);
		assertThat(rest).as("the slot must leave the replica").isNotNull();
		rest.run();
		assertThat(rows(small)).isZero();

		ScopedLimits large = limits(1000);
		UUID held = UUID.randomUUID();
		assertThat(replica.acquire(held, List.of(large))).isTrue();
		assertThat(rows(large)).isEqualTo(65);
		replica.close();
		assertThat(rows(large)).as("the request still running keeps its slot").isEqualTo(1);
	}

	private static long rows(ScopedLimits limits) {
		return Long.parseLong(TestDatabase.query("SELECT count(*) FROM ratelimit_leases WHERE scope = '"
				+ limits.scope().storeKey() + "' AND expires_at > now()").get(0));
	}

	private static ScopedLimits limits(long concurrent) {
		return new ScopedLimits(new Scope(Scope.Kind.KEY, UUID.randomUUID()), new Tier(1_000_000, 1_000_000, 1_000_000,
				concurrent));
	}

}
