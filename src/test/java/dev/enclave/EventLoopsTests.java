package dev.enclave;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One event loop per processor, unless the operator chose. */
class EventLoopsTests {

	@Test
	void withoutAChoiceThereIsOneLoopPerProcessor() {
		assertThat(EventLoops.count(null, 2)).isEqualTo("2");
		assertThat(EventLoops.count("", 8)).isEqualTo("8");
		assertThat(EventLoops.count(" ", 3)).isEqualTo("3");
	}

	@Test
	void aSingleProcessorStillGetsALoop() {
		assertThat(EventLoops.count(null, 1)).isEqualTo("1");
		assertThat(EventLoops.count(null, 0)).isEqualTo("1");
	}

	@Test
	void theOperatorsChoiceWins() {
		assertThat(EventLoops.count("6", 2)).isEqualTo("6");
	}

	@Test
	void theChoiceIsMadeAsASystemPropertyThatReactorNettyReads() {
		String before = System.getProperty(EventLoops.PROPERTY);
		try {
			System.clearProperty(EventLoops.PROPERTY);
			EventLoops.onePerProcessor();
			assertThat(System.getProperty(EventLoops.PROPERTY))
				.isEqualTo(Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
			System.setProperty(EventLoops.PROPERTY, "5");
			EventLoops.onePerProcessor();
			assertThat(System.getProperty(EventLoops.PROPERTY)).isEqualTo("5");
		}
		finally {
			if (before == null) {
				System.clearProperty(EventLoops.PROPERTY);
			}
			else {
				System.setProperty(EventLoops.PROPERTY, before);
			}
		}
	}

}
