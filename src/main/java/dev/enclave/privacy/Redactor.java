package dev.enclave.privacy;

import dev.enclave.privacy.internal.RedactionRules;
import org.jspecify.annotations.Nullable;

/**
 * Masks personal data and credentials in free text before it reaches a log line, a metric
 * label or an error message. Each value is replaced by a placeholder naming its kind:
 * <ul>
 * <li>{@code [email]}: e-mail addresses</li>
 * <li>{@code [phone]}: international numbers ({@code +…}) and CN mobile numbers
 * ({@code 1[3-9]} and nine more digits, with or without spaces or dashes)</li>
 * <li>{@code [cn_id]}: CN resident identity numbers (18 characters, valid birth date and
 * check character)</li>
 * <li>{@code [card]}: bank card numbers (13 to 19 digits, Luhn-valid, spaces or dashes
 * allowed)</li>
 * <li>{@code [ipv4]}: IPv4 addresses</li>
 * <li>{@code [api_key]}: Enclave API keys ({@code ek_…})</li>
 * <li>{@code [jwt]}: JSON Web Tokens</li>
 * <li>{@code [bearer]}: {@code Bearer} credentials</li>
 * </ul>
 * Every structured log line already passes through it; call it directly for text that
 * leaves the process another way. It takes time linear in the length of the text, whatever
 * the text (see {@code RedactionRules}), and is safe to call from any thread.
 */
public final class Redactor {

	private Redactor() {
	}

	/** {@code text} with every value of the kinds above replaced by its placeholder. */
	public static String redact(String text) {
		return RedactionRules.apply(text);
	}

	/** Like {@link #redact(String)}, passing {@code null} through. */
	public static @Nullable String redactNullable(@Nullable String text) {
		return (text != null) ? redact(text) : null;
	}

}
