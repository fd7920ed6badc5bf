package dev.enclave.ratelimit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.support.TestDatabase;
import org.flywaydb.core.Flyway;

/**
 * The limit store on the tests' embedded PostgreSQL, migrated, counting the connections it
 * lends: every store operation of the buckets and leases is one transaction on one borrowed
 * connection, so the count is the store's transactions.
 */
final class CountingStore extends HikariDataSource {

	private final AtomicLong transactions = new AtomicLong();

	private CountingStore(HikariConfig config) {
		super(config);
	}

	static CountingStore migrated() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(TestDatabase.server().jdbcUrl());
		config.setUsername(EmbeddedPostgresServer.USER);
		config.setMaximumPoolSize(4);
		CountingStore store = new CountingStore(config);
		Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
		store.transactions.set(0);
		return store;
	}

	@Override
	public Connection getConnection() throws SQLException {
		this.transactions.incrementAndGet();
		return super.getConnection();
	}

	long transactions() {
		return this.transactions.get();
	}

}
