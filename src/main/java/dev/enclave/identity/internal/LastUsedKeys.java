package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.enclave.shared.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code last_used_at} of API keys, written in one batch every flush interval instead of
 * one UPDATE per request. A graceful shutdown writes what is pending; a crash loses at most
 * one interval of it, which {@code last_used_at}'s minute precision hardly notices.
 */
final class LastUsedKeys implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LastUsedKeys.class);

	private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();

	private final ApiKeyStore store;

	private final Clock clock;

	private final Disposable ticker;

	LastUsedKeys(ApiKeyStore store, Clock clock, Duration every) {
		this.store = store;
		this.clock = clock;
		this.ticker = Periodic.every(every, every, Schedulers.parallel(), () -> flush().onErrorResume((failure) -> {
			log.warn("Could not record when API keys were last used ({}); retrying at the next flush",
					failure.getClass().getSimpleName());
			return Mono.empty();
		})).subscribe();
	}

	/** Notes a use of the key; written at the next flush. */
	void used(UUID key) {
		this.pending.put(key, this.clock.instant());
	}

	/** Writes every pending use; uses that fail to be written are kept for the next flush. */
	Mono<Void> flush() {
		return Mono.defer(() -> {
			if (this.pending.isEmpty()) {
				return Mono.empty();
			}
			Map<UUID, Instant> batch = new HashMap<>();
			for (UUID key : List.copyOf(this.pending.keySet())) {
				Instant at = this.pending.remove(key);
				if (at != null) {
					batch.put(key, at);
				}
			}
			return this.store.touchAll(batch).onErrorResume((failure) -> {
				batch.forEach((key, at) -> this.pending.merge(key, at, (a, b) -> a.isAfter(b) ? a : b));
				return Mono.error(failure);
			});
		});
	}

	@Override
	public void close() {
		this.ticker.dispose();
		// On the shutdown thread, never an event loop: the last batch must be written before the pool closes.
		try {
			flush().block(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			log.warn("Could not record when {} API keys were last used before shutdown ({})", this.pending.size(),
					ex.getClass().getSimpleName());
		}
	}

	int pendingCount() {
		return this.pending.size();
	}

	static List<List<Map.Entry<UUID, Instant>>> chunks(Map<UUID, Instant> batch, int size) {
		List<List<Map.Entry<UUID, Instant>>> chunks = new ArrayList<>();
		List<Map.Entry<UUID, Instant>> current = new ArrayList<>();
		for (Map.Entry<UUID, Instant> entry : batch.entrySet()) {
			current.add(entry);
			if (current.size() == size) {
				chunks.add(current);
				current = new ArrayList<>();
			}
		}
		if (!current.isEmpty()) {
			chunks.add(current);
		}
		return chunks;
	}

}
