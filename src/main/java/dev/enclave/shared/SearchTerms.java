package dev.enclave.shared;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The searchable terms of a text: of a conversation title for its blind index, of a
 * knowledge-base article for its search, and of the query that looks for them, so all
 * search the same way. Text is NFKC-normalised and lower-cased;
 * words of alphabetic scripts are whole terms, and runs of Chinese, Japanese or Korean
 * characters (written without spaces) become overlapping pairs of characters, so any
 * two-character fragment of 客户退款申请 finds it.
 */
public final class SearchTerms {

	/** Terms longer than this are cut: they are rare and only bloat the index. */
	public static final int MAX_TERM_LENGTH = 64;

	/** A title contributes at most this many terms. */
	public static final int MAX_TERMS = 128;

	private SearchTerms() {
	}

	/** The terms of a short text (a title, a query): at most {@link #MAX_TERMS}. */
	public static Set<String> of(String text) {
		return of(text, MAX_TERMS);
	}

	/** The first {@code maxTerms} distinct terms of {@code text}, in order of appearance. */
	public static Set<String> of(String text, int maxTerms) {
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
		return (terms.size() <= maxTerms) ? terms
				: new LinkedHashSet<>(terms.stream().limit(maxTerms).toList());
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
