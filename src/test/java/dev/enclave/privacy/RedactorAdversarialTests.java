package dev.enclave.privacy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Lines built to make a backtracking regex engine go quadratic or worse: 1 MB of digits,
 * {@code @} signs, dots, and their combinations. The one timing bound in the suite, and a
 * generous one: a linear redactor takes well under a second for each.
 */
class RedactorAdversarialTests {

	private static final int MEGABYTE = 1 << 20;

	private static final Duration BOUND = Duration.ofSeconds(5);

	@Test
	void redactsMegabyteAdversarialLinesInLinearTime() {
		Random random = new Random(7);
		Map<String, String> lines = new LinkedHashMap<>();
		lines.put("digits", "7".repeat(MEGABYTE));
		lines.put("at signs", "@".repeat(MEGABYTE));
		lines.put("dots", ".".repeat(MEGABYTE));
		lines.put("dotted digits", "1.".repeat(MEGABYTE / 2));
		lines.put("spaced digits", "1 ".repeat(MEGABYTE / 2));
		lines.put("at-dot runs", "a@a.".repeat(MEGABYTE / 4));
		lines.put("one long local part", "a.".repeat(MEGABYTE / 2 - 1) + "@x");
		lines.put("one long domain", "x@" + "a.".repeat(MEGABYTE / 2 - 1));
		lines.put("digits at dots", "1@1.".repeat(MEGABYTE / 4));
		lines.put("plus and digits", "+1 ".repeat(MEGABYTE / 3));
		lines.put("random digits, @ and dots", random(random, "0123456789@.", MEGABYTE));
		for (Map.Entry<String, String> line : lines.entrySet()) {
			String redacted = assertTimeoutPreemptively(BOUND, () -> Redactor.redact(line.getValue()), line.getKey());
			assertThat(redacted).as(line.getKey()).isNotEmpty();
		}
	}

	private static String random(Random random, String alphabet, int length) {
		StringBuilder out = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			out.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return out.toString();
	}

}
