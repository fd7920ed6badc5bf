package dev.enclave.identity.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

/** The firewall's header rules decide exactly as Spring Security's own patterns do. */
class HeaderCharactersTests {

	@Test
	void agreeWithSpringSecuritysPatternsOnEdgesAndOnRandomText() {
		List<String> samples = new ArrayList<>(List.of("", "Authorization", "Bearer ek_live_abc", "a\tb", "\t", "a\u0000b",
				"x\u007f", "\u0085", "\u009f", "\u00a0", "caf\u00e9", "\u4f60\u597d", "\uD83D\uDE00", "\u0378",
				"\uD83D", "a\uDE00", "\uFFFF", "\uE000", "\u200B", "line\nbreak", "cr\r"));
		Random random = new Random(42);
		for (int i = 0; i < 20_000; i++) {
			StringBuilder text = new StringBuilder();
			for (int j = random.nextInt(6); j >= 0; j--) {
				// Mostly the first planes, where controls, unassigned code points and surrogates are.
				int c = (random.nextInt(4) == 0) ? random.nextInt(Character.MAX_CODE_POINT + 1) : random.nextInt(0x3000);
				text.appendCodePoint(c);
			}
			samples.add(text.toString());
		}
		int refused = 0;
		for (String sample : samples) {
			boolean spring = StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(sample);
			assertThat(HeaderCharacters.name(sample)).as("name %s", sample.codePoints().boxed().toList()).isEqualTo(spring);
			assertThat(HeaderCharacters.value(sample)).as("value %s", sample.codePoints().boxed().toList())
				.isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(sample));
			refused += spring ? 0 : 1;
		}
		// The samples exercise both answers, not just one.
		assertThat(refused).isBetween(1000, samples.size() - 1000);
		assertThat(HeaderCharacters.value(null)).isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(null))
			.isTrue();
		assertThat(HeaderCharacters.name(null)).isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(null));
		assertThat(HeaderCharacters.value("a\tb")).isTrue();
		assertThat(HeaderCharacters.name("a\tb")).isFalse();
	}

}
