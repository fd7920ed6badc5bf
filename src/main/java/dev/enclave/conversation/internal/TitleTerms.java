package dev.enclave.conversation.internal;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The searchable terms of a title, for the blind index. Text is NFKC-normalised and lower-cased;
 * words of alphabetic scripts are whole terms, and runs of Chinese, Japanese or Korean
 * characters (written without spaces) become overlapping pairs of characters, so any
 * two-character fragment of 客户退款申请 finds it. A query matches a title that has all of the
 * query's terms.
 */
final class TitleTerms {

	/** Terms longer than this are cut: they are rare and only bloat the index. */
	static final int MAX_TERM_LENGTH = 64;

	/** A title contributes at most this many terms. */
	static final int MAX_TERMS = 128;

	private TitleTerms() {
	}

	static Set<String> of(String text) {
		String normalised = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
		Set<String> terms = new LinkedHashSet<>();
		StringBuilder word = new StringBuilder();
		StringBuilder ideographs = new StringBuilder();
		normalised.codePoints().forEach((cp) -> {
			if (isIdeographic(cp)) {
				flushWord(word, terms);
				ideographs.appendCodePoint(cp);
			}
			else if (Character.isLetterOrDigit(cp)) {
				flushIdeographs(ideographs, terms);
				word.appendCodePoint(cp);
			}
			else {
				flushWord(word, terms);
				flushIdeographs(ideographs, terms);
			}
		});
		flushWord(word, terms);
		flushIdeographs(ideographs, terms);
		return terms.size() <= MAX_TERMS ? terms : Set.copyOf(terms.stream().limit(MAX_TERMS).toList());
	}

	private static void flushWord(StringBuilder word, Set<String> terms) {
		if (word.length() > 0) {
			String term = word.toString();
			terms.add(term.length() > MAX_TERM_LENGTH ? term.substring(0, MAX_TERM_LENGTH) : term);
			word.setLength(0);
		}
	}

	private static void flushIdeographs(StringBuilder run, Set<String> terms) {
		int[] cps = run.codePoints().toArray();
		if (cps.length == 1) {
			terms.add(new String(cps, 0, 1));
		}
		for (int i = 0; i + 1 < cps.length; i++) {
			terms.add(new String(cps, i, 2));
		}
		run.setLength(0);
	}

	private static boolean isIdeographic(int cp) {
		Character.UnicodeScript script = Character.UnicodeScript.of(cp);
		return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
				|| script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
	}

}
