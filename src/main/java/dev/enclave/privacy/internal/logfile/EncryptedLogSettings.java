package dev.enclave.privacy.internal.logfile;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * The encrypted log files, for hosts that must keep log files; standard output stays the
 * default and is unaffected.
 *
 * @param enabled whether log lines also go to encrypted files
 * @param directory where the files go; {@code <data-dir>/logs} when unset
 * @param maxFileSize a file is closed and a new one begun once it reaches this size
 * @param maxAge a file is closed this long after it was created, even when it is small
 * @param retention how many files are kept, the current one included; older ones are deleted
 * @param queueCapacity bytes of lines that may wait for the writer; a line that does not fit
 * is dropped and counted, never waited for
 */
@ConfigurationProperties("enclave.logging.encrypted-file")
@Validated
record EncryptedLogSettings(@DefaultValue("false") boolean enabled, @Nullable Path directory,
		@DefaultValue("64MB") @NotNull DataSize maxFileSize, @DefaultValue("1d") @NotNull Duration maxAge,
		@DefaultValue("14") @Positive int retention, @DefaultValue("8MB") @NotNull DataSize queueCapacity) {

	/** Smaller files would be mostly header and framing. */
	static final DataSize MIN_FILE_SIZE = DataSize.ofKilobytes(4);

	/** Rotation is checked on the writer's clock, not more precisely. */
	static final Duration MIN_AGE = Duration.ofSeconds(1);

	/** Room for a burst of ordinary lines; a stack trace alone can take tens of kilobytes. */
	static final DataSize MIN_QUEUE = DataSize.ofKilobytes(64);

	EncryptedLogSettings {
		if (maxFileSize.compareTo(MIN_FILE_SIZE) < 0) {
			throw new IllegalArgumentException("enclave.logging.encrypted-file.max-file-size must be at least 4KB");
		}
		if (maxAge.compareTo(MIN_AGE) < 0) {
			throw new IllegalArgumentException("enclave.logging.encrypted-file.max-age must be at least 1s");
		}
		if (retention < 1) {
			throw new IllegalArgumentException("enclave.logging.encrypted-file.retention must be at least 1");
		}
		if (queueCapacity.compareTo(MIN_QUEUE) < 0) {
			throw new IllegalArgumentException("enclave.logging.encrypted-file.queue-capacity must be at least 64KB");
		}
	}

}
