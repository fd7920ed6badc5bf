package dev.enclave.observability.internal;

import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring logs through Commons Logging with messages that are built only when written
 * ({@code LogMessage.format}). Commons Logging must hand them on without building them when
 * the level is off, and still write them, with their level, when it is on.
 */
class LazyFrameworkLoggingTests {

	private static final String NAME = "dev.enclave.test.LazyFrameworkLogging";

	private final Logger logback = (Logger) LoggerFactory.getLogger(NAME);

	private final ListAppender<ILoggingEvent> written = new ListAppender<>();

	@BeforeEach
	void attach() {
		this.written.start();
		this.logback.addAppender(this.written);
	}

	@AfterEach
	void detach() {
		this.logback.detachAppender(this.written);
		this.logback.setLevel(null);
	}

	@Test
	void aDebugMessageIsNotBuiltWhileDebugIsOff() {
		this.logback.setLevel(Level.INFO);
		Counted message = new Counted("matched");
		Log log = LogFactory.getLog(NAME);

		log.debug(message);
		log.trace(message);

		assertThat(message.built).hasValue(0);
		assertThat(this.written.list).isEmpty();
	}

	@Test
	void aMessageIsWrittenWithItsLevelWhenTheLevelIsOn() {
		this.logback.setLevel(Level.DEBUG);
		Counted message = new Counted("matched");
		Log log = LogFactory.getLog(NAME);

		log.debug(message);
		log.info("started");

		assertThat(message.built).hasValue(1);
		assertThat(this.written.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Level.DEBUG, "matched"),
					org.assertj.core.groups.Tuple.tuple(Level.INFO, "started"));
	}

	/** A message that counts how often it is turned into text. */
	private static final class Counted {

		private final String text;

		private final AtomicInteger built = new AtomicInteger();

		Counted(String text) {
			this.text = text;
		}

		@Override
		public String toString() {
			this.built.incrementAndGet();
			return this.text;
		}

	}

}
