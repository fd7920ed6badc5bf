package dev.enclave.ratelimit.internal;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * Buckets in this JVM, for a single node. A bucket idle for a day is full again, so
 * forgetting it then loses nothing.
 */
final class MemoryBuckets implements Buckets {

	private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
		.expireAfterAccess(Duration.ofDays(1).plusMinutes(1))
		.build();

	private final TimeMeter time;

	MemoryBuckets(TimeMeter time) {
		this.time = time;
	}

	@Override
	public Bucket requests(ScopedLimits limits) {
		return this.buckets.get(Buckets.requestsName(limits),
				(name) -> local(Buckets.requestsConfiguration(limits.tier())));
	}

	@Override
	public Bucket tokens(ScopedLimits limits) {
		return this.buckets.get(Buckets.tokensName(limits), (name) -> local(Buckets.tokensConfiguration(limits.tier())));
	}

	private Bucket local(BucketConfiguration configuration) {
		LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(this.time);
		for (Bandwidth bandwidth : configuration.getBandwidths()) {
			builder.addLimit(bandwidth);
		}
		return builder.build();
	}

}
