package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.NopeOptimizationListener;
import io.github.bucket4j.distributed.proxy.optimization.delay.DelayOptimization;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

/**
 * Buckets in PostgreSQL, shared by every replica. Each store operation is one transaction
 * that locks the bucket's row ({@code SELECT ... FOR UPDATE}), so two replicas never both
 * spend the same token.
 * <p>
 * A replica does not go to the store for every request: Bucket4j's delay optimization lets
 * it decide on a local copy of the bucket, spending at most a fraction of the limit
 * ({@link LocalAllowance#fraction()}) and for at most {@link LocalAllowance#maxAge()}, then
 * charges what it spent to the shared row in one transaction that also refreshes its copy.
 * What is spent is always charged, so over time the limit stays exact; in any window each
 * replica can overspend by at most its unsynchronized allowance, so N replicas admit at most
 * {@code N × allowance} more than an exact limiter would (the README's rate-limit section,
 * proven by {@code RateLimitLeasingIT}). A limit too small for a one-token allowance is
 * checked in the store on every request, exactly. All calls block: callers run them on the
 * limit store's scheduler.
 */
final class PostgresBuckets implements Buckets, AutoCloseable {

	private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;

	private final TimeMeter time;

	private final LocalAllowance allowance;

	/**
	 * The buckets with a local copy. The copy is the point, so the same proxy must answer
	 * every request of a bucket; one that idles out was synchronized by {@link #syncIdle()}.
	 */
	private final Cache<String, BucketProxy> local = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	/**
	 * @param fraction the share of a limit a replica may spend before charging it to the
	 * store; 0 checks every request in the store
	 * @param maxAge the longest a replica decides on a copy before refreshing it
	 */
	record LocalAllowance(double fraction, Duration maxAge) {

		/** The tokens a replica may spend unsynchronized from a bucket of this capacity; 0: none. */
		long tokensOf(long capacity) {
			return (long) Math.floor(capacity * this.fraction);
		}

	}

	PostgresBuckets(DataSource dataSource, TimeMeter time, LocalAllowance allowance) {
		this.time = time;
		this.allowance = allowance;
		this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.primaryKeyMapper(PrimaryKeyMapper.STRING)
			.table("ratelimit_buckets")
			.idColumn("id")
			.stateColumn("state")
			.expiresAtColumn("expires_at")
			.clientClock(time)
			// A bucket that has refilled completely holds nothing worth keeping.
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
			.build();
	}

	@Override
	public Bucket requests(ScopedLimits limits) {
		return bucket(Buckets.requestsName(limits), limits.tier().requestsPerMinute(),
				() -> Buckets.requestsConfiguration(limits.tier()));
	}

	@Override
	public Bucket tokens(ScopedLimits limits) {
		return bucket(Buckets.tokensName(limits), Math.min(limits.tier().tokensPerMinute(), limits.tier().tokensPerDay()),
				() -> Buckets.tokensConfiguration(limits.tier()));
	}

	private Bucket bucket(String name, long capacity, Supplier<BucketConfiguration> configuration) {
		long unsynchronized = this.allowance.tokensOf(capacity);
		if (unsynchronized < 1) {
			return this.proxies.builder().build(name, configuration);
		}
		return this.local.get(name, (key) -> {
			// The row must exist before a copy is made of it: Bucket4j creates a missing bucket
			// for a plain proxy, but an optimized one fails concurrent first requests with
			// BucketNotFoundException instead.
			this.proxies.builder().build(key, configuration).getAvailableTokens();
			return this.proxies.builder()
				.withOptimization(new DelayOptimization(new DelayParameters(unsynchronized, this.allowance.maxAge()),
						NopeOptimizationListener.INSTANCE, this.time))
				.build(key, configuration);
		});
	}

	/**
	 * Recovers from a local copy whose row is gone (a full bucket expires, and any replica may
	 * sweep it): each copy of these scopes' buckets that can no longer be charged is dropped,
	 * so the next attempt makes a fresh one on a new row. What such a copy spent uncharged is
	 * lost, at most its allowance, from a bucket that was full when it was swept.
	 */
	@Override
	public boolean recover(RuntimeException failure, List<ScopedLimits> limits) {
		if (!bucketNotFound(failure)) {
			return false;
		}
		for (ScopedLimits scoped : limits) {
			dropIfGone(Buckets.requestsName(scoped));
			dropIfGone(Buckets.tokensName(scoped));
		}
		return true;
	}

	/** Charges the copy of {@code name}, or drops it when its row is gone. */
	private void dropIfGone(String name) {
		BucketProxy copy = this.local.getIfPresent(name);
		if (copy == null) {
			return;
		}
		try {
			copy.getOptimizationController().syncImmediately();
		}
		catch (RuntimeException ex) {
			if (!bucketNotFound(ex)) {
				throw ex;
			}
			this.local.asMap().remove(name, copy);
		}
	}

	private static boolean bucketNotFound(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof BucketNotFoundException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Charges what local copies spent and have not charged for longer than their allowance's
	 * age, so a bucket nobody uses any more does not keep an unpaid spend, and a crash loses
	 * at most the last interval's.
	 */
	void syncIdle() {
		for (Map.Entry<String, BucketProxy> copy : this.local.asMap().entrySet()) {
			try {
				copy.getValue().getOptimizationController().syncByCondition(1, this.allowance.maxAge());
			}
			catch (RuntimeException ex) {
				if (!bucketNotFound(ex)) {
					throw ex;
				}
				// Its row was swept: the next request makes a fresh copy.
				this.local.asMap().remove(copy.getKey(), copy.getValue());
			}
		}
	}

	/** Buckets with a local copy; for tests. */
	long localCopies() {
		return this.local.estimatedSize();
	}

	/** Deletes buckets that have been full for a while; returns how many. */
	int sweep() {
		return this.proxies.removeExpired(1000);
	}

	/** Charges every local spend: a graceful shutdown loses nothing it admitted. */
	@Override
	public void close() {
		for (BucketProxy bucket : this.local.asMap().values()) {
			bucket.getOptimizationController().syncImmediately();
		}
		this.local.invalidateAll();
	}

}
