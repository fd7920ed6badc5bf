package dev.enclave.privacy.internal.logfile;

import java.nio.file.Path;
import java.time.Clock;

import ch.qos.logback.classic.LoggerContext;
import dev.enclave.observability.EnclaveMeter;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import dev.enclave.storage.DataDirectory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Attaches the encrypted log file appender to Logback's root logger once the keyset is loaded
 * (the appender needs the key-encryption key, which lives in this context), and detaches it,
 * writing what is queued and closing the file, when the context closes. Lines logged before
 * (the start-up up to the keyset) and after go to standard output only. Only the server
 * attaches it; the operator's commands never write log files.
 *
 * <p>The lines are encoded by Spring Boot's own structured encoder in the console's format
 * ({@code logging.structured.format.console}; logstash when the console is not structured),
 * so they are the console's lines, every value passed through the redactor that Spring Boot
 * applies to every structured encoder.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty("enclave.logging.encrypted-file.enabled")
class EncryptedLogConfiguration {

	static final String APPENDER_NAME = "ENCRYPTED_FILE";

	@Bean(destroyMethod = "close")
	EncryptedLogAttachment encryptedLogFiles(EncryptedLogSettings settings, KeyEncryptionKey kek,
			DataDirectory dataDirectory, Environment environment, Clock clock, MeterRegistry registry) {
		LoggerContext logback = logback();
		Path directory = (settings.directory() != null) ? settings.directory().toAbsolutePath()
				: dataDirectory.directory("logs");
		StructuredLogEncoder encoder = new StructuredLogEncoder();
		encoder.setContext(logback);
		String format = environment.getProperty("logging.structured.format.console");
		encoder.setFormat(StringUtils.hasText(format) ? format : "logstash");
		EncryptedFileAppender appender = new EncryptedFileAppender(encoder, kek, directory, settings, clock);
		appender.setContext(logback);
		appender.setName(APPENDER_NAME);
		FunctionCounter.builder(EnclaveMeter.LOG_FILE_LINES_DROPPED.getName(), appender, EncryptedFileAppender::dropped)
			.tag(EnclaveMeter.Tags.REASON.asString(), "queue_full")
			.description(EnclaveMeter.LOG_FILE_LINES_DROPPED.description())
			.register(registry);
		FunctionCounter.builder(EnclaveMeter.LOG_FILE_LINES_DROPPED.getName(), appender, EncryptedFileAppender::lost)
			.tag(EnclaveMeter.Tags.REASON.asString(), "write_failed")
			.description(EnclaveMeter.LOG_FILE_LINES_DROPPED.description())
			.register(registry);
		return EncryptedLogAttachment.attach(logback, appender, directory);
	}

	private static LoggerContext logback() {
		ILoggerFactory factory = LoggerFactory.getILoggerFactory();
		if (!(factory instanceof LoggerContext context)) {
			throw new IllegalStateException("enclave.logging.encrypted-file needs Logback, Spring Boot's default "
					+ "logging system; found " + factory.getClass().getName());
		}
		return context;
	}

}
