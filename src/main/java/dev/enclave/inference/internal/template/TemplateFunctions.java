package dev.enclave.inference.internal.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * The globals Hugging Face gives chat templates besides Jinja's own:
 * {@code raise_exception(message)} and {@code strftime_now(format)}.
 */
final class TemplateFunctions {

	/** Where a render keeps its clock; not a name any template uses. */
	static final String CLOCK = "__enclave_clock__";

	private TemplateFunctions() {
	}

	/** Jinjava calls static methods only; this one aborts the render with the template's message. */
	public static Object raiseException(String message) {
		throw new ChatTemplateException(message);
	}

	/** The render's current time, formatted with Python's {@code strftime} directives. */
	public static String strftimeNow(String format) {
		Object clock = JinjavaInterpreter.getCurrentMaybe()
			.map((interpreter) -> interpreter.getContext().get(CLOCK))
			.orElse(null);
		ZonedDateTime now = ZonedDateTime.now((clock instanceof Clock given) ? given : Clock.systemUTC());
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < format.length(); i++) {
			char c = format.charAt(i);
			if (c != '%' || i + 1 == format.length()) {
				out.append(c);
				continue;
			}
			char directive = format.charAt(++i);
			out.append(switch (directive) {
				case 'd' -> String.format("%02d", now.getDayOfMonth());
				case 'm' -> String.format("%02d", now.getMonthValue());
				case 'Y' -> String.valueOf(now.getYear());
				case 'y' -> String.format("%02d", now.getYear() % 100);
				case 'H' -> String.format("%02d", now.getHour());
				case 'M' -> String.format("%02d", now.getMinute());
				case 'S' -> String.format("%02d", now.getSecond());
				case 'b' -> now.format(DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH));
				case 'B' -> now.format(DateTimeFormatter.ofPattern("MMMM", Locale.ENGLISH));
				case 'a' -> now.format(DateTimeFormatter.ofPattern("EEE", Locale.ENGLISH));
				case 'A' -> now.format(DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH));
				case 'j' -> String.format("%03d", now.getDayOfYear());
				case '%' -> "%";
				default -> "%" + directive;
			});
		}
		return out.toString();
	}

}
