package dev.enclave.inference.internal.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event stream specification's rules for what {@link EventStream} cuts out of a model
 * server's bytes: each stream is read whole, one byte per read, and split at every point in
 * two reads, and must give the same events every way.
 */
class EventStreamTests {

	private static final int LIMIT = 64;

	@ParameterizedTest
	@ValueSource(strings = { "\n", "\r\n", "\r" })
	void everyLineEndEndsLinesAndAnEmptyLineEndsTheEvent(String end) {
		String stream = "data: {\"a\":1}" + end + end + "data: {\"b\":2}" + end + end;
		assertThat(events(stream)).containsExactly("{\"a\":1}", "{\"b\":2}");
	}

	@Test
	void aCrAndAnLfInTwoReadsAreOneLineEnd() {
		EventStream stream = new EventStream(LIMIT);
		List<String> events = new ArrayList<>();
		events.addAll(text(stream.read(bytes("data: one\r"))));
		events.addAll(text(stream.read(bytes("\ndata: two\r"))));
		// Had the LF been a line end of its own, the empty line would have ended the event here.
		assertThat(events).isEmpty();
		events.addAll(text(stream.read(bytes("\r"))));
		assertThat(events).containsExactly("one\ntwo");
	}

	@Test
	void dataLinesJoinWithLfAndOneSpaceAfterTheColonIsDropped() {
		assertThat(events("data: first\ndata:second\ndata:  third\n\n")).containsExactly("first\nsecond\n third");
	}

	@Test
	void commentsAndOtherFieldsAreIgnored() {
		String stream = ": keep-alive\nevent: message\nid: 7\nretry: soon\nunknown: x\ndata: kept\n\n"
				+ "event: ping\nid: 8\n\n" + ":\n\n";
		assertThat(events(stream)).containsExactly("kept");
	}

	@Test
	void dataWithoutAColonIsAnEmptyDataLine() {
		assertThat(events("data\ndata\n\n")).containsExactly("\n");
	}

	@Test
	void aFieldNamedLikeDataIsNotData() {
		assertThat(events("database: x\ndat: y\nDATA: z\n\n")).isEmpty();
	}

	@Test
	void aLeadingByteOrderMarkIsDroppedAndOnlyThere() {
		String bom = "\uFEFF";
		assertThat(events(bom + "data: a\n\n" + bom + "data: b\n\n")).containsExactly("a");
	}

	@Test
	void theLastEventCountsWithoutItsEmptyLineButNotWithoutData() {
		assertThat(events("data: a\n\ndata: [DONE]")).containsExactly("a", "[DONE]");
		assertThat(events("data: a\n\ndata: [DONE]\n")).containsExactly("a", "[DONE]");
		assertThat(events("data: a\n\nevent: x")).containsExactly("a");
	}

	@Test
	void utf8PassesThroughUntouched() {
		assertThat(events("data: {\"t\":\"Grüße, 你好 🎉\"}\n\n")).containsExactly("{\"t\":\"Grüße, 你好 🎉\"}");
	}

	@Test
	void anEventOverTheLimitEndsTheStreamAfterTheEventsBeforeIt() {
		String big = "x".repeat(LIMIT);
		// Two data lines that fit on their own but not together, then a line that never fits.
		assertThat(events("data: ok\n\ndata: " + big.substring(10) + "\ndata: " + big.substring(10) + "\n\ndata: no\n\n"))
			.containsExactly("ok", "TOO_LARGE");
		assertThat(events("data: ok\n\n: " + big + "\n\ndata: no\n\n")).containsExactly("ok", "TOO_LARGE");
		// A line that never ends is over the limit as soon as it has more bytes than that.
		assertThat(events("data: ok\n\ndata: " + big)).containsExactly("ok", "TOO_LARGE");
	}

	@Test
	void aLineUpToTheLimitFits() {
		String line = "data: " + "y".repeat(LIMIT - 6);
		assertThat(line).hasSize(LIMIT);
		assertThat(events(line + "\n\n")).containsExactly("y".repeat(LIMIT - 6));
	}

	/** The events of a stream, the same however it is cut into reads. */
	private static List<String> events(String stream) {
		byte[] all = bytes(stream);
		List<String> whole = read(List.of(all));
		List<byte[]> single = new ArrayList<>();
		for (int i = 0; i < all.length; i++) {
			single.add(new byte[] { all[i] });
		}
		assertThat(read(single)).as("one byte per read").isEqualTo(whole);
		for (int cut = 0; cut <= all.length; cut++) {
			assertThat(read(List.of(Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length))))
				.as("cut at %d", cut)
				.isEqualTo(whole);
		}
		return whole;
	}

	private static List<String> read(List<byte[]> reads) {
		EventStream stream = new EventStream(LIMIT);
		List<String> events = new ArrayList<>();
		for (byte[] read : reads) {
			events.addAll(text(stream.read(read)));
		}
		events.addAll(text(stream.end()));
		int tooLarge = events.indexOf("TOO_LARGE");
		assertThat(tooLarge).as("nothing after the limit is passed").isIn(-1, events.size() - 1);
		return events;
	}

	private static List<String> text(List<byte[]> events) {
		return events.stream()
			.map((event) -> (event == EventStream.TOO_LARGE) ? "TOO_LARGE" : new String(event, StandardCharsets.UTF_8))
			.toList();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
