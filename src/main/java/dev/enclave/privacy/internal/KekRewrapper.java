package dev.enclave.privacy.internal;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;

import com.google.crypto.tink.KeysetHandle;
import dev.enclave.privacy.DataKeyRewrapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Moves every live data key to the current KEK primary, a page at a time in id order. Each
 * update is conditional on the key still being live and still wrapped as it was read, so a
 * concurrent shred or a second job running at the same time is never overwritten.
 */
final class KekRewrapper implements DataKeyRewrapper {

	static final int PAGE_SIZE = 500;

	private static final Logger log = LoggerFactory.getLogger(KekRewrapper.class);

	private final DataKeyStore store;

	private final KeyEncryptionKey kek;

	KekRewrapper(DataKeyStore store, KeyEncryptionKey kek) {
		this.store = store;
		this.kek = kek;
	}

	@Override
	public Mono<RewrapReport> rewrapAll() {
		long primary = this.kek.primaryKeyId();
		return page(primary, null)
			.expand((rows) -> (rows.size() < PAGE_SIZE) ? Mono.empty() : page(primary, rows.get(rows.size() - 1).id()))
			.concatMapIterable((rows) -> rows)
			.concatMap((row) -> rewrap(row, primary))
			.reduce(new RewrapReport(primary, 0, 0, 0), KekRewrapper::count)
			.doOnNext((report) -> log.atInfo()
				.addKeyValue("primaryKeyId", report.primaryKeyId())
				.addKeyValue("rewrapped", report.rewrapped())
				.addKeyValue("skipped", report.skipped())
				.addKeyValue("failed", report.failed())
				.log("Re-wrapped {} data keys with KEK key {} ({} skipped, {} failed)", report.rewrapped(),
						report.primaryKeyId(), report.skipped(), report.failed()));
	}

	private Mono<List<DataKeyRow>> page(long primary, @Nullable UUID after) {
		return this.store.liveNotWrappedBy(primary, after, PAGE_SIZE).collectList();
	}

	private Mono<Outcome> rewrap(DataKeyRow row, long primary) {
		byte[] wrapped = row.wrappedKey();
		Long previous = row.kekKeyId();
		if (wrapped == null || previous == null) {
			return Mono.just(Outcome.SKIPPED);
		}
		byte[] associatedData = AssociatedData.dataKey(row.id(), row.tenant(), row.conversation());
		byte[] rewrapped;
		try {
			KeysetHandle dataKey = this.kek.unwrap(wrapped, associatedData);
			rewrapped = this.kek.wrap(dataKey, associatedData);
		}
		catch (GeneralSecurityException ex) {
			log.atWarn()
				.addKeyValue("dataKeyId", row.id())
				.addKeyValue("kekKeyId", previous)
				.log("Cannot unwrap data key {}: KEK key {} is not in the keyset", row.id(), previous);
			return Mono.just(Outcome.FAILED);
		}
		return this.store.replaceWrapping(row.id(), previous, rewrapped, primary)
			.map((updated) -> (updated) ? Outcome.REWRAPPED : Outcome.SKIPPED);
	}

	private static RewrapReport count(RewrapReport report, Outcome outcome) {
		return switch (outcome) {
			case REWRAPPED -> new RewrapReport(report.primaryKeyId(), report.rewrapped() + 1, report.skipped(),
					report.failed());
			case SKIPPED -> new RewrapReport(report.primaryKeyId(), report.rewrapped(), report.skipped() + 1,
					report.failed());
			case FAILED -> new RewrapReport(report.primaryKeyId(), report.rewrapped(), report.skipped(),
					report.failed() + 1);
		};
	}

	private enum Outcome {

		REWRAPPED, SKIPPED, FAILED

	}

}
