package dev.enclave.inference.internal.template;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * JSON exactly as Python's {@code json.dumps} writes it, which is what Hugging Face's
 * {@code tojson} filter calls: {@code ", "} and {@code ": "} separators, one item per line
 * under {@code indent}, non-ASCII left as is. Templates put this JSON into prompts, so it
 * must match what the model saw in training byte for byte.
 */
final class PythonJson {

	private PythonJson() {
	}

	static String dumps(@Nullable Object value, @Nullable Integer indent, boolean sortKeys) {
		StringBuilder out = new StringBuilder();
		write(out, value, indent, sortKeys, 0);
		return out.toString();
	}

	private static void write(StringBuilder out, @Nullable Object value, @Nullable Integer indent, boolean sortKeys,
			int depth) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Boolean bool) {
			out.append(bool ? "true" : "false");
		}
		else if (value instanceof Byte || value instanceof Short || value instanceof Integer
				|| value instanceof Long || value instanceof java.math.BigInteger) {
			out.append(value);
		}
		else if (value instanceof Number number) {
			out.append(pythonFloat(number.doubleValue()));
		}
		else if (value instanceof Map<?, ?> map) {
			Map<?, ?> entries = sortKeys ? new TreeMap<>(map) : map;
			if (entries.isEmpty()) {
				out.append("{}");
				return;
			}
			out.append('{');
			Iterator<? extends Map.Entry<?, ?>> iterator = entries.entrySet().iterator();
			while (iterator.hasNext()) {
				Map.Entry<?, ?> entry = iterator.next();
				newline(out, indent, depth + 1);
				string(out, String.valueOf(entry.getKey()));
				out.append(": ");
				write(out, entry.getValue(), indent, sortKeys, depth + 1);
				if (iterator.hasNext()) {
					out.append((indent != null) ? "," : ", ");
				}
			}
			newline(out, indent, depth);
			out.append('}');
		}
		else if (value instanceof Collection<?> || value instanceof Object[]) {
			Collection<?> items = (value instanceof Object[] array) ? Arrays.asList(array)
					: (Collection<?>) value;
			if (items.isEmpty()) {
				out.append("[]");
				return;
			}
			out.append('[');
			Iterator<?> iterator = items.iterator();
			while (iterator.hasNext()) {
				newline(out, indent, depth + 1);
				write(out, iterator.next(), indent, sortKeys, depth + 1);
				if (iterator.hasNext()) {
					out.append((indent != null) ? "," : ", ");
				}
			}
			newline(out, indent, depth);
			out.append(']');
		}
		else {
			string(out, value.toString());
		}
	}

	private static void newline(StringBuilder out, @Nullable Integer indent, int depth) {
		if (indent != null) {
			out.append('\n').append(" ".repeat(indent * depth));
		}
	}

	private static void string(StringBuilder out, String text) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** Python's {@code repr} of a float: shortest round-trip digits, {@code 1.0} not {@code 1}. */
	static String pythonFloat(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "Infinity" : "-Infinity";
		}
		BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		int exponent = shortest.precision() - shortest.scale() - 1;
		if (exponent < -4 || exponent >= 16) {
			String digits = shortest.unscaledValue().abs().toString();
			String mantissa = (digits.length() > 1) ? digits.charAt(0) + "." + digits.substring(1) : digits;
			return ((value < 0) ? "-" : "") + mantissa + "e" + ((exponent < 0) ? "-" : "+")
					+ String.format("%02d", Math.abs(exponent));
		}
		String plain = shortest.toPlainString();
		return plain.contains(".") ? plain : plain + ".0";
	}

}
