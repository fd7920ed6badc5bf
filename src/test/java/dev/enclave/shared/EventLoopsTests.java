package dev.enclave.shared;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** One event loop per CPU, Reactor Netty's own property where it is set, and never none. */
class EventLoopsTests {

	@Test
	void onePerCpuWithoutReactorNettysFloorOfFour() {
		assertThat(EventLoops.threads(null, 2)).isEqualTo(2);
		assertThat(EventLoops.threads(null, 1)).isEqualTo(1);
		assertThat(EventLoops.threads(null, 16)).isEqualTo(16);
	}

	@Test
	void reactorNettysPropertyDecidesAndNeverLeavesNone() {
		assertThat(EventLoops.threads(" 3 ", 2)).isEqualTo(3);
		assertThat(EventLoops.threads("0", 2)).isEqualTo(1);
	}

	@Test
	void aPropertyThatIsNoNumberIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventLoops.threads("many", 2))
			.withMessageContaining("reactor.netty.ioWorkerCount")
			.withMessageContaining("many");
	}

	@Test
	void theLoopsAreNamedAndSized() {
		reactor.netty.resources.LoopResources loops = EventLoops.create("enclave-test");
		try {
			assertThat(loops.onServer(false).iterator()).toIterable().hasSize(EventLoops.threads());
		}
		finally {
			loops.dispose();
		}
	}

}
