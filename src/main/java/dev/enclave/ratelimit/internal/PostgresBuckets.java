package dev.enclave.ratelimit.internal;

import java.time.Duration;

import javax.sql.DataSource;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

/**
 * Buckets in PostgreSQL, shared by every replica. Each store operation is one transaction
 * that locks the bucket's row ({@code SELECT ... FOR UPDATE}), so two replicas never both
 * spend the same token. A replica does not go to the store for every request: it takes
 * tokens ahead of need in the same transaction and spends them locally ({@link Grants}),
 * which keeps limits exact. All calls block: callers run them on the limit store's scheduler.
 */
final class PostgresBuckets implements Buckets {

	private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;

	PostgresBuckets(DataSource dataSource, TimeMeter time) {
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
		return this.proxies.builder().build(Buckets.requestsName(limits), () -> Buckets.requestsConfiguration(limits.tier()));
	}

	@Override
	public Bucket tokens(ScopedLimits limits) {
		return this.proxies.builder().build(Buckets.tokensName(limits), () -> Buckets.tokensConfiguration(limits.tier()));
	}

	/** Deletes buckets that have been full for a while; returns how many. */
	int sweep() {
		return this.proxies.removeExpired(1000);
	}

}
