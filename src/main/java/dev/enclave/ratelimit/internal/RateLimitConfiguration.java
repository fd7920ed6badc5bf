package dev.enclave.ratelimit.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.TimeMeter;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitSettings.class)
class RateLimitConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

	@Bean
	RateLimitMetrics rateLimitMetrics(MeterRegistry registry) {
		return new RateLimitMetrics(registry);
	}

	@Bean
	QuotaStore quotaStore(DatabaseClient db) {
		return new QuotaStore(db);
	}

	@Bean
	QuotaPlans quotaPlans(QuotaStore store, RateLimitSettings settings) {
		return new QuotaPlans(store, settings);
	}

	@Bean(destroyMethod = "close")
	LimitStore limitStore(RateLimitSettings settings, JdbcConnectionDetails database, Clock clock) {
		TimeMeter time = Buckets.timeMeter(clock);
		if (settings.store() == RateLimitSettings.Store.MEMORY) {
			log.info("Rate limits are kept in memory: exact for this node only");
			return new LimitStore(new Limiter(new MemoryBuckets(time), new MemoryLeases()), null, Schedulers
				.newBoundedElastic(Math.max(2, Runtime.getRuntime().availableProcessors()), 10_000, "ratelimit-store"));
		}
		HikariConfig pool = new HikariConfig();
		pool.setPoolName("ratelimit");
		pool.setJdbcUrl((settings.storeUrl() != null) ? settings.storeUrl() : database.getJdbcUrl());
		pool.setUsername(database.getUsername());
		pool.setPassword(database.getPassword());
		pool.setMaximumPoolSize(settings.poolSize());
		pool.setMinimumIdle(1);
		// A store that is down must fail within the store timeout, on its own, not by interruption.
		pool.setConnectionTimeout(Math.max(250, settings.storeTimeout().toMillis() * 3 / 4));
		pool.addDataSourceProperty("socketTimeout", Math.max(5, 2 * settings.storeTimeout().toSeconds()));
		// Start even when the store is down: the failure mode decides per request what that means.
		pool.setInitializationFailTimeout(-1);
		HikariDataSource dataSource = new HikariDataSource(pool);
		PostgresBuckets buckets = new PostgresBuckets(dataSource, time);
		Grants grants = (settings.localAllowance() > 0)
				? new Grants(settings.localAllowance(), settings.localAllowanceMaxAge(), time) : null;
		PostgresLeases leases = new PostgresLeases(dataSource, settings.leaseTtl(), settings.leaseSpare());
		// One thread per pooled connection: JDBC work never waits on the event loop, and never queues unbounded.
		Scheduler scheduler = Schedulers.newBoundedElastic(settings.poolSize(), 10_000, "ratelimit-store");
		ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "ratelimit-housekeeping");
			thread.setDaemon(true);
			return thread;
		});
		long renewEvery = Math.max(1000, settings.leaseTtl().toMillis() / 3);
		housekeeping.scheduleWithFixedDelay(() -> quietly("renew concurrency leases", leases::renew), renewEvery,
				renewEvery, TimeUnit.MILLISECONDS);
		housekeeping.scheduleWithFixedDelay(() -> quietly("sweep full buckets", buckets::sweep), 10, 10,
				TimeUnit.MINUTES);
		Limiter limiter = new Limiter(buckets, leases, grants);
		long syncEvery = Math.max(100, settings.localAllowanceMaxAge().toMillis());
		housekeeping.scheduleWithFixedDelay(() -> {
			quietly("credit token refunds", limiter::creditRefunds);
			quietly("give spare concurrency slots back", leases::returnSpare);
		}, syncEvery, syncEvery, TimeUnit.MILLISECONDS);
		// Four times an age: what is left of a top-up goes back soon after its age, and a grant
		// in use is topped up between half its age and its age, before requests find it stale.
		long grantsEvery = Math.max(25, settings.localAllowanceMaxAge().toMillis() / 4);
		housekeeping.scheduleWithFixedDelay(() -> {
			try {
				limiter.returnGrants(false);
				limiter.refreshGrants();
			}
			catch (RuntimeException ex) {
				// Tried again within a quarter of an age. A store that is down is reported by the
				// requests that need it, once per interval, not four times a second from here.
				log.debug("Could not give back or top up local allowances: {}", ex.getClass().getSimpleName());
			}
		}, grantsEvery, grantsEvery, TimeUnit.MILLISECONDS);
		return new LimitStore(limiter, () -> {
			housekeeping.shutdownNow();
			// In order, stopping at the first failure: against a store that is down, each step
			// would wait out the pool's connection timeout. What is left is kept from the other
			// replicas until the buckets refill, as after a crash (the README's bound): never spent twice.
			boolean stored = quietly("credit token refunds before shutdown", limiter::creditRefunds)
					&& quietly("give local allowances back before shutdown", () -> limiter.returnGrants(true))
					&& quietly("give free concurrency slots back before shutdown", leases::close);
			if (!stored) {
				log.warn("The rate limit store was unreachable at shutdown: this replica's unspent allowances and "
						+ "refunds return only as the buckets refill");
			}
			dataSource.close();
		}, scheduler);
	}

	@Bean
	RateLimiter rateLimiter(LimitStore store, QuotaPlans plans, RateLimitSettings settings, RateLimitMetrics metrics,
			BulkheadRegistry bulkheads) {
		// Non-blocking (no wait): a full bulkhead sheds at once rather than parking an event-loop thread.
		Bulkhead bulkhead = bulkheads.bulkhead("ratelimit-admission", BulkheadConfig.custom()
			.maxConcurrentCalls(settings.maxConcurrentChecks())
			.maxWaitDuration(Duration.ZERO)
			.build());
		return new RateLimiter(store.limiter(), plans, settings, metrics,
				new StoreCalls(store.scheduler(), settings.storeTimeout(), bulkhead));
	}

	@Bean
	RateLimitFilter rateLimitFilter(RateLimiter limiter) {
		return new RateLimitFilter(limiter);
	}

	/** Runs {@code work}, logging a failure instead of throwing it; returns whether it succeeded. */
	private static boolean quietly(String what, Runnable work) {
		try {
			work.run();
			return true;
		}
		catch (RuntimeException ex) {
			log.warn("Could not {}: {}", what, ex.getClass().getSimpleName());
			return false;
		}
	}

}
