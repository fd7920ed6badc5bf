package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.enclave.ratelimit.internal.Decision.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit checks on the in-memory store, with a clock the test moves: a refused request's
 * Retry-After is exactly when it would succeed, never earlier and never later.
 */
class LimiterTests {

	private final SteppedClock clock = new SteppedClock();

	private final MemoryBuckets buckets = new MemoryBuckets(Buckets.timeMeter(this.clock));

	private final Limiter limiter = new Limiter(this.buckets, new MemoryLeases());

	private static List<ScopedLimits> plan(Tier key, Tier tenant) {
		return List.of(new ScopedLimits(new Scope(Scope.Kind.KEY, UUID.randomUUID()), key),
				new ScopedLimits(new Scope(Scope.Kind.TENANT, UUID.randomUUID()), tenant));
	}

	private static Tier tier(long rpm, long tpm, long tpd, long concurrent) {
		return new Tier(rpm, tpm, tpd, concurrent);
	}

	@Test
	void retryAfterIsExactlyWhenTheRequestWouldSucceed() {
		List<ScopedLimits> plan = plan(tier(60, 1000, 10_000, 100), tier(1000, 1000, 10_000, 100));
		for (int i = 0; i < 60; i++) {
			Decision admitted = this.limiter.admit(plan, lease());
			assertThat(admitted.admitted()).isTrue();
			assertThat(admitted.requests().remaining()).isEqualTo(59 - i);
		}
		this.clock.advance(Duration.ofMillis(300));
		Decision refused = this.limiter.admit(plan, lease());
		assertThat(refused.refused()).isEqualTo(Limit.REQUESTS);
		// 60 per minute refill one per second: 700 ms after the 300 already waited.
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(700));
		this.clock.advance(refused.retryAfter().minusMillis(1));
		assertThat(this.limiter.admit(plan, lease()).refused()).as("a retry 1 ms early").isEqualTo(Limit.REQUESTS);
		Decision early = this.limiter.admit(plan, lease());
		this.clock.advance(early.retryAfter());
		assertThat(this.limiter.admit(plan, lease()).admitted()).as("a retry after exactly Retry-After").isTrue();
	}

	@Test
	void aScopeThatRefusesCostsTheOthersNothing() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 10_000, 100), tier(2, 1000, 10_000, 100));
		assertThat(this.limiter.admit(plan, lease()).admitted()).isTrue();
		assertThat(this.limiter.admit(plan, lease()).admitted()).isTrue();
		Decision refused = this.limiter.admit(plan, lease());
		assertThat(refused.refused()).isEqualTo(Limit.REQUESTS);
		// The key's bucket got its token back: 2 spent, 998 left.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(998);
	}

	@Test
	void concurrencyIsCountedPerScopeAndReleased() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 10_000, 2), tier(1000, 1000, 10_000, 100));
		UUID first = lease();
		assertThat(this.limiter.admit(plan, first).admitted()).isTrue();
		assertThat(this.limiter.admit(plan, lease()).admitted()).isTrue();
		Decision third = this.limiter.admit(plan, lease());
		assertThat(third.refused()).isEqualTo(Limit.CONCURRENCY);
		assertThat(third.retryAfter()).isEqualTo(Limiter.CONCURRENCY_RETRY);
		this.limiter.release(first);
		this.limiter.release(first);
		assertThat(this.limiter.admit(plan, lease()).admitted()).isTrue();
		assertThat(this.limiter.admit(plan, lease()).refused()).isEqualTo(Limit.CONCURRENCY);
	}

	@Test
	void aLeaseGivenBackBeforeItWasTakenIsNeverHeld() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 10_000, 1), tier(1000, 1000, 10_000, 100));
		UUID late = lease();
		// The caller gave up waiting (a timeout) and released before the store took the lease.
		this.limiter.release(late);
		assertThat(this.limiter.admit(plan, late).refused()).isEqualTo(Limit.CONCURRENCY);
		assertThat(this.limiter.admit(plan, lease()).admitted()).as("the slot stayed free").isTrue();
	}

	@Test
	void aReservationIsSettledToTheTrueUsageAndOverrunsAreOwed() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 100_000, 100), tier(1000, 1_000_000, 100_000_000, 100));
		Decision reserved = this.limiter.reserve(plan, 600);
		assertThat(reserved.admitted()).isTrue();
		assertThat(reserved.tokens().remaining()).isEqualTo(400);
		// The stream ran over by 900: the bucket owes it, so the next request is not free.
		this.limiter.adjust(plan, 900);
		assertThat(this.limiter.peekTokens(plan).remaining()).isEqualTo(-500);
		Decision next = this.limiter.reserve(plan, 10);
		assertThat(next.refused()).isEqualTo(Limit.TOKENS_PER_MINUTE);
		// 510 tokens at 1000 per minute.
		assertThat(next.retryAfter()).isEqualTo(Duration.ofMillis(30_600));
		this.clock.advance(next.retryAfter());
		assertThat(this.limiter.reserve(plan, 10).admitted()).isTrue();
		// A refund never fills a bucket beyond its capacity.
		this.limiter.adjust(plan, -5000);
		assertThat(this.limiter.peekTokens(plan).remaining()).isEqualTo(1000);
	}

	@Test
	void theDailyQuotaIsNamedWhenItIsTheOneShort() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 1500, 100), tier(1000, 1_000_000, 100_000_000, 100));
		assertThat(this.limiter.reserve(plan, 1000).admitted()).isTrue();
		this.clock.advance(Duration.ofMinutes(1));
		Decision refused = this.limiter.reserve(plan, 1000);
		assertThat(refused.refused()).isEqualTo(Limit.TOKENS_PER_DAY);
		assertThat(refused.tokens().limit()).isEqualTo(1500);
		assertThat(refused.retryAfter()).isGreaterThan(Duration.ofHours(1));
	}

	@Test
	void aRequestLargerThanTheBucketIsAdmittedWhenFullAndOwesTheRest() {
		List<ScopedLimits> plan = plan(tier(1000, 1000, 100_000, 100), tier(1000, 1_000_000, 100_000_000, 100));
		assertThat(this.limiter.reserve(plan, 2500).admitted()).isTrue();
		assertThat(this.limiter.peekTokens(plan).remaining()).isEqualTo(-1500);
	}

	@Test
	void resetIsWrittenLikeOpenAi() {
		assertThat(RateLimitHeaders.format(Duration.ZERO)).isEqualTo("0s");
		assertThat(RateLimitHeaders.format(Duration.ofMillis(1))).isEqualTo("1s");
		assertThat(RateLimitHeaders.format(Duration.ofMinutes(6))).isEqualTo("6m0s");
		assertThat(RateLimitHeaders.format(Duration.ofSeconds(7205))).isEqualTo("2h0m5s");
	}

	@Test
	void batchedRefundsWaitForTheirCreditAndAreNeverLost() {
		Limiter batching = new Limiter(this.buckets, new MemoryLeases(), null);
		List<ScopedLimits> plan = plan(tier(1000, 1000, 10_000, 100), tier(1000, 1000, 10_000, 100));
		assertThat(batching.reserve(plan, 600).admitted()).isTrue();
		batching.adjust(plan, -200);
		batching.adjust(plan, -100);
		// Until credited the limit is only stricter: nothing given back yet.
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).isEqualTo(400);
		batching.creditRefunds();
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).isEqualTo(700);
		assertThat(this.buckets.tokens(plan.get(1)).getAvailableTokens()).isEqualTo(700);
		batching.creditRefunds();
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).as("credited once").isEqualTo(700);
	}

	@Test
	void aGrantIsCountedInTheStoreBeforeAnyOfItIsSpentAndUnspentTokensGoBack() {
		Limiter replica = new Limiter(this.buckets, new MemoryLeases(),
				new Grants(0.1, Duration.ofSeconds(1), Buckets.timeMeter(this.clock)));
		List<ScopedLimits> plan = plan(tier(100, 100_000, 1_000_000, 100), tier(600, 100_000, 1_000_000, 100));
		// Nothing held yet: only the store can decide, and the first store call takes the grants.
		assertThat(replica.admitLocally(plan, lease())).isNull();
		Decision first = replica.admit(plan, lease());
		assertThat(first.admitted()).isTrue();
		// The store counted the request and a grant of 10 % of each limit at once.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(100 - 1 - 10);
		assertThat(this.buckets.requests(plan.get(1)).getAvailableTokens()).isEqualTo(600 - 1 - 60);
		// The next ten are decided here, without the store; then the key's grant is spent.
		for (int i = 0; i < 10; i++) {
			Decision local = replica.admitLocally(plan, lease());
			assertThat(local).isNotNull();
			assertThat(local.admitted()).isTrue();
			// What the client is told: the store's count plus what is still held here.
			assertThat(local.requests().remaining()).isEqualTo(89 + 9 - i);
		}
		assertThat(replica.admitLocally(plan, lease())).isNull();
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).as("the store was not asked").isEqualTo(89);
		// Younger than its age a grant stays; older, what is left goes back to the store.
		replica.returnGrants(false);
		assertThat(this.buckets.requests(plan.get(1)).getAvailableTokens()).isEqualTo(539);
		this.clock.advance(Duration.ofSeconds(1));
		replica.returnGrants(false);
		// 1 s refilled 1 key request and 10 tenant requests; the tenant's 50 unspent came back.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(89 + 1);
		assertThat(this.buckets.requests(plan.get(1)).getAvailableTokens()).isEqualTo(539 + 10 + 50);
		assertThat(replica.admitLocally(plan, lease())).as("nothing is held here any more").isNull();
	}

	@Test
	void tokensReservedFromAGrantAreRefundedToItAndAChargeBeyondItGoesToTheStore() {
		Limiter replica = new Limiter(this.buckets, new MemoryLeases(),
				new Grants(0.1, Duration.ofSeconds(1), Buckets.timeMeter(this.clock)));
		List<ScopedLimits> plan = plan(tier(100, 10_000, 1_000_000, 100), tier(1000, 100_000, 1_000_000, 100));
		assertThat(replica.reserveLocally(plan, 500)).isNull();
		assertThat(replica.reserve(plan, 500).admitted()).isTrue();
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).isEqualTo(10_000 - 500 - 1000);
		Decision local = replica.reserveLocally(plan, 800);
		assertThat(local).isNotNull();
		assertThat(local.tokens().remaining()).isEqualTo(8500 + 200);
		// A request that used 300 of its 800: the 500 join the grant at once, spendable here.
		assertThat(replica.adjustLocally(plan, -500)).isTrue();
		assertThat(replica.reserveLocally(plan, 700)).isNotNull();
		// A charge the grant cannot cover (0 left) is the store's.
		assertThat(replica.adjustLocally(plan, 50)).isFalse();
		replica.adjust(plan, 50);
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).isEqualTo(8500 - 50);
		// Nothing was counted twice or lost: a graceful shutdown gives the rest back.
		replica.returnGrants(true);
		assertThat(this.buckets.tokens(plan.get(0)).getAvailableTokens()).isEqualTo(10_000 - 500 - 300 - 700 - 50);
	}

	@Test
	void aGrantInUseIsToppedUpAheadOfNeedSoRequestsNeverFindItStale() {
		Limiter replica = new Limiter(this.buckets, new MemoryLeases(),
				new Grants(0.1, Duration.ofSeconds(1), Buckets.timeMeter(this.clock)));
		List<ScopedLimits> plan = plan(tier(600, 100_000, 1_000_000, 100), tier(6000, 100_000, 1_000_000, 100));
		assertThat(replica.admit(plan, lease()).admitted()).isTrue();
		long admitted = 1;
		// A request every 50 ms for 3 s, three times the grant's age, with the housekeeping
		// passes of a replica (every quarter of the age): every one is decided here.
		for (int step = 1; step <= 60; step++) {
			this.clock.advance(Duration.ofMillis(50));
			if (step % 5 == 0) {
				replica.returnGrants(false);
				replica.refreshGrants();
			}
			UUID lease = lease();
			assertThat(replica.admitLocally(plan, lease)).as("request at %d ms", step * 50).isNotNull();
			replica.release(lease);
			admitted++;
		}
		// Exact all along: after a graceful shutdown's give-back, the store counted exactly the
		// requests admitted (3 s refilled 30 of the key's 600).
		replica.returnGrants(true);
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(600 + 30 - admitted);
	}

	@Test
	void aGrantNobodySpendsFromIsNotToppedUpAndGoesBack() {
		Limiter replica = new Limiter(this.buckets, new MemoryLeases(),
				new Grants(0.1, Duration.ofSeconds(1), Buckets.timeMeter(this.clock)));
		List<ScopedLimits> plan = plan(tier(6000, 100_000, 1_000_000, 100), tier(60_000, 100_000, 1_000_000, 100));
		assertThat(replica.admit(plan, lease()).admitted()).isTrue();
		// Another replica spends 1,000, so that refills and returns stay below the capacity.
		assertThat(this.buckets.requests(plan.get(0)).tryConsume(1000)).isTrue();
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(6000 - 1 - 600 - 1000);
		this.clock.advance(Duration.ofMillis(600));
		replica.refreshGrants();
		// 0.6 s refilled 60; nothing was taken ahead for a grant nobody used.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(4399 + 60);
		this.clock.advance(Duration.ofMillis(400));
		replica.returnGrants(false);
		// 0.4 s more refilled 40, and the unused 600 came back.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(4459 + 40 + 600);
	}

	@Test
	void aTopUpIsSpentOldestFirstAndNeverAfterItsAge() {
		Limiter replica = new Limiter(this.buckets, new MemoryLeases(),
				new Grants(0.1, Duration.ofSeconds(1), Buckets.timeMeter(this.clock)));
		// A key of 600 a minute (a grant of 60) under a tenant too large to matter.
		List<ScopedLimits> plan = plan(tier(600, 100_000, 1_000_000, 100), tier(600_000, 100_000_000, 1_000_000_000, 100));
		assertThat(replica.admit(plan, lease()).admitted()).isTrue();
		for (int i = 0; i < 20; i++) {
			assertThat(replica.admitLocally(plan, lease())).isNotNull();
		}
		this.clock.advance(Duration.ofMillis(500));
		long before = this.buckets.requests(plan.get(0)).getAvailableTokens();
		replica.refreshGrants();
		// Topped up by what was spent: 40 left of the first top-up, 20 in the second.
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(before - 20);
		this.clock.advance(Duration.ofMillis(500));
		// The first top-up is its age now: its 40 may not be spent any more, only the second's 20.
		for (int i = 0; i < 20; i++) {
			assertThat(replica.admitLocally(plan, lease())).as("request %d", i).isNotNull();
		}
		assertThat(replica.admitLocally(plan, lease())).isNull();
		// And the 40 go back to the store at the next pass.
		before = this.buckets.requests(plan.get(0)).getAvailableTokens();
		replica.returnGrants(false);
		assertThat(this.buckets.requests(plan.get(0)).getAvailableTokens()).isEqualTo(before + 40);
	}

	private static UUID lease() {
		return UUID.randomUUID();
	}

}
