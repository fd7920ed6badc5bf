package dev.enclave.inference.internal.generation;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StopStringsTests {

	@Test
	void aStopStringSplitAcrossPiecesCutsTheText() {
		StopStrings stops = new StopStrings(List.of("###", "<END>"));
		assertThat(stops.push("Hello <E")).isEqualTo(new StopStrings.Result("Hello ", false));
		assertThat(stops.push("N")).isEqualTo(new StopStrings.Result("", false));
		assertThat(stops.push("D> more")).isEqualTo(new StopStrings.Result("", true));
	}

	@Test
	void heldTextIsReleasedWhenItCannotBecomeAStopString() {
		StopStrings stops = new StopStrings(List.of("<END>"));
		assertThat(stops.push("a <E")).isEqualTo(new StopStrings.Result("a ", false));
		assertThat(stops.push("Xb")).isEqualTo(new StopStrings.Result("<EXb", false));
		assertThat(stops.push("<")).isEqualTo(new StopStrings.Result("", false));
		assertThat(stops.flush()).isEqualTo("<");
	}

	@Test
	void theEarliestStopStringWins() {
		StopStrings stops = new StopStrings(List.of("b", "a"));
		assertThat(stops.push("xxab")).isEqualTo(new StopStrings.Result("xx", true));
	}

	@Test
	void withoutStopStringsEverythingPassesAtOnce() {
		StopStrings stops = new StopStrings(List.of());
		assertThat(stops.push("<anything")).isEqualTo(new StopStrings.Result("<anything", false));
	}

}
