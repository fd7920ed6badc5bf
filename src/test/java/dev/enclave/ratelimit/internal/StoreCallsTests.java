package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Store calls and their bulkhead: one permit per call, given back however the call ends,
 * cancellation included, and a full bulkhead refuses at once instead of waiting. A burst of
 * requests for the same limits asks the store once and decides on what that call brought back.
 */
class StoreCallsTests {

	private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 100, "store-calls-test");

	private final Bulkhead bulkhead = Bulkhead.of("test",
			BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO).build());

	private final StoreCalls calls = new StoreCalls(this.scheduler, Duration.ofMillis(300), this.bulkhead);

	@AfterEach
	void stop() {
		this.scheduler.dispose();
	}

	@Test
	void aCallRunsOffTheCallersThreadAndReturnsItsValue() {
		StepVerifier.create(this.calls.guarded(() -> Thread.currentThread().getName()))
			.assertNext((thread) -> assertThat(thread).startsWith("store-calls-test"))
			.verifyComplete();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@Test
	void aFullBulkheadRefusesAtOnceAndACancelledCallGivesItsPermitBack() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch running = new CountDownLatch(1);
		Disposable first = this.calls.guarded(() -> {
			running.countDown();
			return release.await(5, TimeUnit.SECONDS);
		}).subscribe();
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		// Refused while the first still holds the permit: it did not wait for it.
		StepVerifier.create(this.calls.guarded(() -> "second"))
			.expectError(BulkheadFullException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(release.getCount()).as("the first call is still running").isEqualTo(1);

		first.dispose();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).as("permit back after cancel").isEqualTo(1);
		release.countDown();
		StepVerifier.create(this.calls.guarded(() -> "third")).expectNext("third").verifyComplete();
	}

	@Test
	void aSlowCallTimesOutWithoutBeingInterruptedAndGivesItsPermitBack() throws Exception {
		AtomicBoolean interrupted = new AtomicBoolean();
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(1);
		// The call blocks until the test lets it go, which is only after its timeout has fired.
		StepVerifier.create(this.calls.guarded(() -> {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			finished.countDown();
			return "late";
		})).expectError(TimeoutException.class).verify(Duration.ofSeconds(5));
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(finished.getCount()).as("still running after the timeout").isEqualTo(1);
		release.countDown();
		assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(interrupted).as("a JDBC call is never interrupted half-way").isFalse();
	}

	@Test
	void requestsThatFindTheStoreAskedForTheirLimitsWaitForThatCallAndDecideOnWhatItBroughtBack() throws Exception {
		// What the store call leaves on this replica for the next requests: a grant.
		AtomicBoolean granted = new AtomicBoolean();
		AtomicInteger storeCalls = new AtomicInteger();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Supplier<String> local = () -> granted.get() ? "local" : null;
		Callable<String> store = () -> {
			storeCalls.incrementAndGet();
			running.countDown();
			release.await(5, TimeUnit.SECONDS);
			granted.set(true);
			return "store";
		};
		List<String> decided = new CopyOnWriteArrayList<>();
		this.calls.decide("key-and-tenant", local, store).subscribe(decided::add);
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		// A burst arrives while the store is asked: nine more requests of the same limits.
		for (int i = 0; i < 9; i++) {
			this.calls.decide("key-and-tenant", local, store).subscribe(decided::add);
		}
		assertThat(decided).as("they wait for the call ahead of them").isEmpty();
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> decided.size() == 10);
		assertThat(decided).containsOnlyOnce("store").filteredOn("local"::equals).hasSize(9);
		assertThat(storeCalls).as("one store call for the burst").hasValue(1);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@Test
	void aFollowerAsksTheStoreItselfWhenTheCallAheadBroughtBackNotEnoughAndOtherLimitsNeverWait() throws Exception {
		StoreCalls wide = new StoreCalls(this.scheduler, Duration.ofSeconds(3),
				Bulkhead.of("wide", BulkheadConfig.custom().maxConcurrentCalls(8).maxWaitDuration(Duration.ZERO).build()));
		AtomicInteger storeCalls = new AtomicInteger();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Supplier<String> nothingHere = () -> null;
		List<String> decided = new CopyOnWriteArrayList<>();
		wide.decide("near-its-limit", nothingHere, () -> {
			storeCalls.incrementAndGet();
			running.countDown();
			release.await(5, TimeUnit.SECONDS);
			return "first";
		}).subscribe(decided::add);
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		wide.decide("near-its-limit", nothingHere, () -> {
			storeCalls.incrementAndGet();
			return "second, in the store";
		}).subscribe(decided::add);
		// Another key's limits are not held up by this call.
		StepVerifier.create(wide.decide("another-key", nothingHere, () -> "another"))
			.expectNext("another")
			.verifyComplete();
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> decided.size() == 2);
		assertThat(decided).containsExactly("first", "second, in the store");
		assertThat(storeCalls).hasValue(2);
	}

	@Test
	void unguardedCallsIgnoreTheBulkhead() {
		this.bulkhead.acquirePermission();
		StepVerifier.create(this.calls.unguarded(() -> "release")).expectNext("release").verifyComplete();
		this.bulkhead.onComplete();
	}

}
