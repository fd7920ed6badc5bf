package dev.enclave.privacy.internal;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The patterns behind {@link dev.enclave.privacy.Redactor}, applied one after another, most
 * specific first (a bearer token before the JWT inside it, a card before the phone number
 * its digits might contain).
 *
 * <p><b>Why none of them can backtrack catastrophically</b>, so that even a 1 MB line of
 * digits, {@code @} signs and dots is redacted in time linear in its length:
 * <ol>
 * <li>Every pattern starts with a one-character negative lookbehind for the characters of
 * its own first run ({@code (?<![0-9])} before a number, {@code (?<![A-Za-z0-9._%+-])}
 * before an e-mail's local part). Inside a run that lookbehind fails at once, so a full
 * match attempt starts only where a run starts, and runs do not overlap.</li>
 * <li>Unbounded runs are possessive ({@code ++}, {@code *+}): once read, never given back.
 * Neighbouring parts use disjoint character classes (a label and its dot, digits and
 * separators), so there is only one way to split the text between them anyway.</li>
 * <li>The numeric patterns are bounded ({@code {12,18}}, {@code {6,14}}, exactly 18
 * characters), so an attempt reads at most a few dozen characters, and the only choices
 * it can revisit are how many of those few groups to keep and an optional separator that
 * fails on the next character.</li>
 * </ol>
 * Together: each character is read by a constant number of attempts, each doing constant
 * work per character, in each of a fixed number of passes. Candidates that fail their
 * checksum are retried one character later, which point 1 again makes constant work.
 *
 * <p><b>Why the rules run more than once.</b> A lookaround can refuse a value because of the
 * character beside it, and a later rule can replace that character with a placeholder, whose
 * brackets refuse nothing: in {@code 13812345678bearer abcdefgh} the phone number ends right
 * before {@code bearer}, which is therefore not a word of its own until the number becomes
 * {@code [phone]}. One pass would leave the credential in the text, and redacting the result
 * again would find it. So the rules are applied until a pass changes nothing. Only the
 * credentials and {@code +} numbers can be held back by a neighbour that is itself held back
 * by the next one ({@code 1.2.3.4+4930123456bearer abcdefgh}: the address, then the number,
 * then the credential), so three passes redact every value and a fourth finds nothing more.
 * That bound needs every other chain to stop after one link: a number runs into a number
 * beside it rather than holding it back, and a resident identity number whose check
 * character is {@code X} ends there, whatever follows.
 */
public final class RedactionRules {

	/** An ASCII or full-width digit. */
	private static final String D = "[0-9\\uFF10-\\uFF19]";

	private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

	static final List<Rule> RULES = List.of(
			new Rule("[bearer]", "(?i)(?<![A-Za-z0-9_-])bearer[ \\t]++[A-Za-z0-9._~+/-]{8,}+=*+",
					(text) -> containsIgnoreCase(text, "bearer"), null),
			new Rule("[jwt]", "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]*+",
					(text) -> text.contains("eyJ"), null),
			new Rule("[api_key]", "(?<![A-Za-z0-9_-])ek_[A-Za-z0-9_-]{4,}+", (text) -> text.contains("ek_"), null),
			new Rule("[email]",
					"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@(?:[A-Za-z0-9-]++\\.(?=[A-Za-z0-9-]))++[A-Za-z]{2,63}+(?![A-Za-z0-9-])",
					(text) -> text.indexOf('@') >= 0, null),
			// Not possessive: the number ends at the last group that no digit follows, so digits written
			// after it ("+49 301234567 12 times") do not hide it.
			new Rule("[phone]", "(?<![0-9A-Za-z+\\uFF10-\\uFF19])\\+" + D + "(?:[ .()-]{0,2}+" + D + "){6,14}(?!" + D + ")",
					(text) -> text.indexOf('+') >= 0, null),
			// A check character X ends the number; a digit check character must not be followed by more digits.
			new Rule("[cn_id]", "(?<!" + D + ")" + D + "{17}(?:[0-9\\uFF10-\\uFF19](?!" + D + ")|[Xx\\uFF38\\uFF58])",
					RedactionRules::hasDigit, RedactionRules::cnResidentId),
			new Rule("[card]", "(?<!" + D + ")" + D + "(?:[ -]?" + D + "){12,18}(?!" + D + ")", RedactionRules::hasDigit,
					RedactionRules::card),
			new Rule("[phone]",
					"(?<!" + D + ")[1\\uFF11][3-9\\uFF13-\\uFF19]" + D + "(?:[ -]?+" + D + "){8}(?!" + D + ")",
					RedactionRules::hasDigit, null),
			new Rule("[ipv4]", "(?<![0-9.])(?:" + OCTET + "\\.){3}" + OCTET + "(?![0-9]|\\.[0-9])",
					(text) -> text.indexOf('.') >= 0, null));

	private RedactionRules() {
	}

	/** The most passes any text needs (see the class comment), plus the one that finds nothing more. */
	static final int MAX_PASSES = 4;

	/** Applies every rule in order, pass after pass, until a pass changes nothing. */
	public static String apply(String text) {
		String result = text;
		for (int pass = 0; pass < MAX_PASSES; pass++) {
			String before = result;
			for (Rule rule : RULES) {
				result = rule.apply(result);
			}
			// Rule.apply returns its argument itself when nothing matched.
			if (result == before) {
				break;
			}
		}
		return result;
	}

	/**
	 * One kind of personal data.
	 *
	 * @param placeholder what replaces a match, naming the kind
	 * @param pattern candidates
	 * @param worthScanning a cheap test that skips the pass when no match is possible
	 * @param check the checksum a candidate must pass, or {@code null}
	 */
	record Rule(String placeholder, Pattern pattern, Predicate<String> worthScanning, @Nullable Check check) {

		Rule(String placeholder, String regex, Predicate<String> worthScanning, @Nullable Check check) {
			this(placeholder, Pattern.compile(regex), worthScanning, check);
		}

		String apply(String text) {
			if (!this.worthScanning.test(text)) {
				return text;
			}
			Matcher matcher = this.pattern.matcher(text);
			StringBuilder out = null;
			int copied = 0;
			int from = 0;
			while (from < text.length() && matcher.find(from)) {
				int end = (this.check != null) ? this.check.validEnd(text, matcher.start(), matcher.end()) : matcher.end();
				if (end < 0) {
					// A valid candidate may start inside this one (a card after an account number).
					from = matcher.start() + 1;
					continue;
				}
				if (out == null) {
					out = new StringBuilder(text.length());
				}
				out.append(text, copied, matcher.start()).append(this.placeholder);
				copied = end;
				from = end;
			}
			if (out == null) {
				return text;
			}
			return out.append(text, copied, text.length()).toString();
		}

	}

	/** Checks a candidate found at {@code start..end}. */
	@FunctionalInterface
	interface Check {

		/** Where the valid value found at {@code start} ends, at most {@code end}; -1 if none. */
		int validEnd(String text, int start, int end);

	}

	private static int cnResidentId(String text, int start, int end) {
		return Checksums.cnResidentId(text.subSequence(start, end)) ? end : -1;
	}

	/**
	 * The longest Luhn-valid card at {@code start}: the whole candidate, or a prefix of it of
	 * at least 13 digits that ends at a separator ({@code 4111 1111 1111 1111 10} is a card
	 * and a number).
	 */
	private static int card(String text, int start, int end) {
		int[] digits = new int[19];
		int[] after = new int[19];
		int count = 0;
		for (int i = start; i < end && count < digits.length; i++) {
			int digit = Character.digit(text.charAt(i), 10);
			if (digit >= 0) {
				digits[count] = digit;
				after[count++] = i + 1;
			}
		}
		for (int length = count; length >= 13; length--) {
			boolean atSeparator = length == count || Character.digit(text.charAt(after[length - 1]), 10) < 0;
			if (atSeparator && Checksums.luhn(digits, length)) {
				return after[length - 1];
			}
		}
		return -1;
	}

	private static boolean hasDigit(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if ((c >= '0' && c <= '9') || (c >= '\uFF10' && c <= '\uFF19')) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsIgnoreCase(String text, String word) {
		for (int i = 0; i + word.length() <= text.length(); i++) {
			if (text.regionMatches(true, i, word, 0, word.length())) {
				return true;
			}
		}
		return false;
	}

}
