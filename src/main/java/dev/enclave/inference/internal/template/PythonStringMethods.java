package dev.enclave.inference.internal.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import org.jspecify.annotations.Nullable;

/**
 * Python's string and dict methods, which chat templates call ({@code content.strip()},
 * {@code role.startswith('tool')}, {@code message.items()}) and Jinjava, resolving methods on
 * Java objects, does not know. Runs before Jinjava's own resolver; anything it does not
 * recognise falls through.
 */
final class PythonStringMethods extends ELResolver {

	@Override
	public @Nullable Object invoke(ELContext context, @Nullable Object base, Object method, Class<?>[] types,
			Object[] params) {
		Object result = UNHANDLED;
		if (base instanceof String text && method instanceof String name) {
			result = string(text, name, params);
		}
		else if (base instanceof Map<?, ?> map && method instanceof String name) {
			result = map(map, name, params);
		}
		if (result == UNHANDLED) {
			return null;
		}
		context.setPropertyResolved(true);
		return result;
	}

	// Not a method this resolver knows: Jinjava's own resolvers get their turn.
	private static final Object UNHANDLED = new Object();

	private static @Nullable Object string(String text, String name, Object[] params) {
		return switch (name) {
			case "startswith" -> (params.length == 1) ? text.startsWith(String.valueOf(params[0])) : UNHANDLED;
			case "endswith" -> (params.length == 1) ? text.endsWith(String.valueOf(params[0])) : UNHANDLED;
			case "upper" -> text.toUpperCase(Locale.ROOT);
			case "lower" -> text.toLowerCase(Locale.ROOT);
			case "title" -> title(text);
			case "capitalize" -> text.isEmpty() ? text
					: text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
			case "strip" -> (params.length == 0 || params[0] == null) ? text.strip()
					: strip(text, String.valueOf(params[0]), true, true);
			case "lstrip" -> (params.length == 0) ? text.stripLeading()
					: strip(text, String.valueOf(params[0]), true, false);
			case "rstrip" -> (params.length == 0) ? text.stripTrailing()
					: strip(text, String.valueOf(params[0]), false, true);
			case "split" -> split(text, params);
			case "replace" -> (params.length == 2)
					? text.replace(String.valueOf(params[0]), String.valueOf(params[1])) : UNHANDLED;
			case "find" -> (params.length == 1) ? (Object) (long) text.indexOf(String.valueOf(params[0])) : UNHANDLED;
			case "count" -> (params.length == 1) ? (Object) count(text, String.valueOf(params[0])) : UNHANDLED;
			default -> UNHANDLED;
		};
	}

	private static @Nullable Object map(Map<?, ?> map, String name, Object[] params) {
		return switch (name) {
			case "items" -> (params.length == 0) ? map.entrySet()
				.stream()
				.map((entry) -> Arrays.asList(entry.getKey(), entry.getValue()))
				.toList() : UNHANDLED;
			case "keys" -> (params.length == 0) ? new ArrayList<>(map.keySet()) : UNHANDLED;
			case "values" -> (params.length == 0) ? new ArrayList<>(map.values()) : UNHANDLED;
			case "get" -> (params.length == 1) ? map.get(params[0])
					: (params.length == 2) ? (map.containsKey(params[0]) ? map.get(params[0]) : params[1]) : UNHANDLED;
			default -> UNHANDLED;
		};
	}

	private static String title(String text) {
		StringBuilder out = new StringBuilder(text.length());
		boolean start = true;
		for (char c : text.toCharArray()) {
			out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
			start = !Character.isLetter(c);
		}
		return out.toString();
	}

	private static String strip(String text, String chars, boolean leading, boolean trailing) {
		int from = 0;
		int to = text.length();
		while (leading && from < to && chars.indexOf(text.charAt(from)) >= 0) {
			from++;
		}
		while (trailing && to > from && chars.indexOf(text.charAt(to - 1)) >= 0) {
			to--;
		}
		return text.substring(from, to);
	}

	private static List<String> split(String text, Object[] params) {
		if (params.length == 0 || params[0] == null) {
			return List.of(text.strip().split("\\s+"));
		}
		String separator = String.valueOf(params[0]);
		List<String> parts = new ArrayList<>();
		int at = 0;
		int next;
		while ((next = text.indexOf(separator, at)) >= 0) {
			parts.add(text.substring(at, next));
			at = next + separator.length();
		}
		parts.add(text.substring(at));
		return parts;
	}

	private static long count(String text, String part) {
		if (part.isEmpty()) {
			return text.length() + 1L;
		}
		long count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	@Override
	public @Nullable Object getValue(ELContext context, @Nullable Object base, Object property) {
		return null;
	}

	@Override
	public @Nullable Class<?> getType(ELContext context, @Nullable Object base, Object property) {
		return null;
	}

	@Override
	public void setValue(ELContext context, @Nullable Object base, Object property, Object value) {
	}

	@Override
	public boolean isReadOnly(ELContext context, @Nullable Object base, Object property) {
		return true;
	}

	@Override
	public @Nullable Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, @Nullable Object base) {
		return null;
	}

	@Override
	public @Nullable Class<?> getCommonPropertyType(ELContext context, @Nullable Object base) {
		return null;
	}

}
