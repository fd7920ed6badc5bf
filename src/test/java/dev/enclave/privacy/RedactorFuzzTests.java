package dev.enclave.privacy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-style checks over many generated messages (seeded, so a failure reproduces):
 * random valid values of every kind, planted in random Chinese and English text, never
 * survive redaction; text that cannot hold personal data comes out unchanged; redaction is
 * idempotent on arbitrary noise. The {@link FuzzTest}s check the same on text Jazzer makes
 * (the input's bytes read as UTF-8); regression mode replays the saved inputs under
 * {@code RedactorFuzzTestsInputs/<method>/}.
 */
class RedactorFuzzTests {

	private static final long SEED = 20261123L;

	private static final int MESSAGES = 3000;

	private static final String CHINESE = "客户的订单已经发货请尽快联系我们谢谢您好退款地址电话邮箱号码身份证银行卡";

	private static final String[] SEPARATORS = { " ", "，", "。", "：", "（", "）", "、", "\n", "\"", "'", "；", "" };

	private static final String[] WORDS = { "order", "please", "refund", "customer", "the", "is", "at", "on",
			"phone", "mail", "id", "card", "可以", "没问题" };

	private final Random random = new Random(SEED);

	@Test
	void plantedValuesNeverSurvive() {
		List<Kind> kinds = kinds();
		for (int i = 0; i < MESSAGES; i++) {
			StringBuilder text = new StringBuilder(filler());
			List<Planted> planted = new ArrayList<>();
			int values = 1 + this.random.nextInt(4);
			for (int v = 0; v < values; v++) {
				Kind kind = kinds.get(this.random.nextInt(kinds.size()));
				String value = kind.generator().apply(this.random);
				planted.add(new Planted(kind.placeholder(), value));
				text.append(boundary()).append(value).append(boundary()).append(filler());
			}
			String redacted = Redactor.redact(text.toString());
			for (Planted value : planted) {
				assertThat(redacted).as("message %d (seed %d): %s", i, SEED, text)
					.doesNotContain(value.value())
					.contains(value.placeholder());
			}
		}
	}

	@Test
	void textWithoutPersonalDataIsUnchanged() {
		for (int i = 0; i < MESSAGES; i++) {
			StringBuilder text = new StringBuilder();
			int pieces = 1 + this.random.nextInt(12);
			for (int p = 0; p < pieces; p++) {
				text.append(filler()).append(SEPARATORS[this.random.nextInt(SEPARATORS.length)]);
			}
			assertThat(Redactor.redact(text.toString())).as("seed %d", SEED).isEqualTo(text.toString());
		}
	}

	@Test
	void redactionIsIdempotentOnNoise() {
		String alphabet = "0123456789 -+.@_:/ekJyabcX１３８ｘ邮箱";
		for (int i = 0; i < MESSAGES; i++) {
			StringBuilder noise = new StringBuilder();
			int length = this.random.nextInt(200);
			for (int c = 0; c < length; c++) {
				noise.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
			}
			String once = Redactor.redact(noise.toString());
			assertThat(Redactor.redact(once)).as("seed %d: %s", SEED, noise).isEqualTo(once);
		}
	}

	/** Arbitrary text: redacting never throws, and redacting again changes nothing. */
	@FuzzTest
	void anyTextRedactsOnceAndForAll(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		String once = Redactor.redact(text);
		assertThat(Redactor.redact(once)).as("redacted again").isEqualTo(once);
	}

	/**
	 * A value of every kind planted in arbitrary text, one at a time, at a place and with a
	 * value that the input chooses (its hash seeds them). Set off by line breaks, which no
	 * value spans, the value's line redacts on its own: the text around it comes out as it
	 * does without it, and the value becomes a placeholder. Set off by spaces, the value still
	 * never comes out whole, whatever the text around it makes of it.
	 */
	@FuzzTest
	void plantedValuesNeverSurviveAnyText(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		Random random = new Random(Arrays.hashCode(input));
		for (Kind kind : kinds()) {
			String value = kind.generator().apply(random);
			int at = random.nextInt(text.length() + 1);
			if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
				at--;
			}
			String before = text.substring(0, at);
			String after = text.substring(at);
			String redactedValue = Redactor.redact(value);
			assertThat(redactedValue).as("%s alone", value).matches("\\[[a-z_0-9]+\\]");
			assertThat(Redactor.redact(before + "\n" + value + "\n" + after)).as("%s on a line of its own", value)
				.isEqualTo(Redactor.redact(before) + "\n" + redactedValue + "\n" + Redactor.redact(after));
			assertThat(Redactor.redact(before + " " + value + " " + after)).as("%s between spaces", value)
				.doesNotContain(value);
		}
	}

	private String filler() {
		StringBuilder text = new StringBuilder();
		int pieces = this.random.nextInt(4);
		for (int p = 0; p < pieces; p++) {
			if (this.random.nextBoolean()) {
				int start = this.random.nextInt(CHINESE.length() - 4);
				text.append(CHINESE, start, start + 1 + this.random.nextInt(4));
			}
			else {
				text.append(WORDS[this.random.nextInt(WORDS.length)]).append(' ');
			}
		}
		return text.toString();
	}

	/** Something that cannot continue a value: Chinese, punctuation or white space. */
	private String boundary() {
		return (this.random.nextBoolean()) ? String.valueOf(CHINESE.charAt(this.random.nextInt(CHINESE.length())))
				: SEPARATORS[this.random.nextInt(SEPARATORS.length - 1)];
	}

	private static List<Kind> kinds() {
		return List.of(new Kind("[email]", RedactorFuzzTests::email), new Kind("[phone]", RedactorFuzzTests::cnMobile),
				new Kind("[phone]", RedactorFuzzTests::internationalPhone),
				new Kind("[cn_id]", RedactorFuzzTests::cnResidentId), new Kind("[card]", RedactorFuzzTests::card),
				new Kind("[ipv4]", RedactorFuzzTests::ipv4), new Kind("[api_key]", RedactorFuzzTests::apiKey),
				new Kind("[jwt]", RedactorFuzzTests::jwt), new Kind("[bearer]", RedactorFuzzTests::bearer));
	}

	static String email(Random random) {
		String local = chars(random, "abcdefghijklmnopqrstuvwxyz0123456789", 1) + chars(random,
				"abcdefghijklmnopqrstuvwxyz0123456789._+-", random.nextInt(12))
				+ chars(random, "abcdefghijklmnopqrstuvwxyz0123456789", 1);
		StringBuilder domain = new StringBuilder();
		int labels = 1 + random.nextInt(3);
		for (int i = 0; i < labels; i++) {
			domain.append(chars(random, "abcdefghijklmnopqrstuvwxyz0123456789", 1 + random.nextInt(10))).append('.');
		}
		return local + "@" + domain + chars(random, "abcdefghijklmnopqrstuvwxyz", 2 + random.nextInt(4));
	}

	static String cnMobile(Random random) {
		String digits = "1" + (3 + random.nextInt(7)) + chars(random, "0123456789", 9);
		return switch (random.nextInt(3)) {
			case 0 -> digits;
			case 1 -> digits.substring(0, 3) + " " + digits.substring(3, 7) + " " + digits.substring(7);
			default -> digits.substring(0, 3) + "-" + digits.substring(3, 7) + "-" + digits.substring(7);
		};
	}

	static String internationalPhone(Random random) {
		String country = String.valueOf(1 + random.nextInt(99));
		String number = chars(random, "123456789", 1) + chars(random, "0123456789", 6 + random.nextInt(5));
		return "+" + country + ((random.nextBoolean()) ? " " : "") + number;
	}

	static String cnResidentId(Random random) {
		int[] weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
		String check = "10X98765432";
		String first17 = (1 + random.nextInt(9)) + chars(random, "0123456789", 5)
				+ String.format("%04d%02d%02d", 1940 + random.nextInt(80), 1 + random.nextInt(12), 1 + random.nextInt(28))
				+ chars(random, "0123456789", 3);
		int sum = 0;
		for (int i = 0; i < 17; i++) {
			sum += (first17.charAt(i) - '0') * weights[i];
		}
		return first17 + check.charAt(sum % 11);
	}

	static String card(Random random) {
		int length = 13 + random.nextInt(7);
		String body = chars(random, "3456", 1) + chars(random, "0123456789", length - 2);
		for (char last = '0'; last <= '9'; last++) {
			if (luhn(body + last)) {
				String digits = body + last;
				if (random.nextBoolean()) {
					return digits;
				}
				String separator = (random.nextBoolean()) ? " " : "-";
				StringBuilder grouped = new StringBuilder();
				for (int i = 0; i < digits.length(); i += 4) {
					grouped.append((i > 0) ? separator : "").append(digits, i, Math.min(i + 4, digits.length()));
				}
				return grouped.toString();
			}
		}
		throw new IllegalStateException("unreachable: one check digit always fits");
	}

	static String ipv4(Random random) {
		return random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
	}

	static String apiKey(Random random) {
		return "ek_" + ((random.nextBoolean()) ? "live_" : "test_")
				+ chars(random, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);
	}

	static String jwt(Random random) {
		String base64url = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
		return "eyJ" + chars(random, base64url, 10 + random.nextInt(30)) + ".eyJ"
				+ chars(random, base64url, 10 + random.nextInt(80)) + "." + chars(random, base64url, 20 + random.nextInt(40));
	}

	static String bearer(Random random) {
		return "Bearer " + chars(random, "abcdefghijklmnopqrstuvwxyz0123456789-._~+/", 16 + random.nextInt(40));
	}

	private static String chars(Random random, String alphabet, int count) {
		StringBuilder out = new StringBuilder(count);
		for (int i = 0; i < count; i++) {
			out.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return out.toString();
	}

	private static boolean luhn(String digits) {
		int sum = 0;
		for (int i = digits.length() - 1, position = 0; i >= 0; i--, position++) {
			int digit = digits.charAt(i) - '0';
			if (position % 2 == 1) {
				digit = (digit * 2 > 9) ? digit * 2 - 9 : digit * 2;
			}
			sum += digit;
		}
		return sum % 10 == 0;
	}

	private record Kind(String placeholder, Function<Random, String> generator) {
	}

	private record Planted(String placeholder, String value) {
	}

}
