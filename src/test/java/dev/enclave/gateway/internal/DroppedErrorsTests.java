package dev.enclave.gateway.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.netty.channel.AbortedException;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that leaves is not an error of Enclave's; anything else dropped still is worth a warning. */
class DroppedErrorsTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(DroppedErrors.class);

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	@BeforeEach
	void capture() {
		this.events.start();
		this.logger.addAppender(this.events);
		this.logger.setLevel(Level.INFO);
		DroppedErrors.install();
	}

	@AfterEach
	void release() {
		this.logger.detachAppender(this.events);
		this.logger.setLevel(null);
		Hooks.resetOnErrorDropped();
	}

	@Test
	void aClientThatLeftIsNotLoggedAsAFailure() {
		Operators.onErrorDropped(new AbortedException("Connection has been closed BEFORE send operation"),
				Context.empty());
		assertThat(this.events.list).isEmpty();
	}

	@Test
	void anyOtherDroppedErrorIsAWarningNamedByItsType() {
		Operators.onErrorDropped(new IllegalStateException("late"), Context.empty());
		assertThat(this.events.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains("IllegalStateException");
		});
	}

}
