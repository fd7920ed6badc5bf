package dev.enclave.tools.internal.http;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.netty.util.NetUtil;

/**
 * Host names as the egress policy compares them: exact names, {@code *.suffix} patterns
 * (any name below the suffix, not the suffix itself) and IP literals, which match by
 * address so that {@code [::1]} and {@code 0:0:0:0:0:0:0:1} are one host.
 */
final class HostPatterns {

	private HostPatterns() {
	}

	/** Lower case, without IPv6 brackets and without the trailing dot of a fully qualified name. */
	static String normalize(String host) {
		String name = host.strip().toLowerCase(Locale.ROOT);
		if (name.startsWith("[") && name.endsWith("]")) {
			name = name.substring(1, name.length() - 1);
		}
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	/** Whether a configured pattern is one this class understands. */
	static boolean valid(String pattern) {
		String name = normalize(pattern);
		String rest = name.startsWith("*.") ? name.substring(2) : name;
		return !rest.isEmpty() && !rest.contains("*") && !rest.contains("/") && !rest.contains("@");
	}

	static boolean matchesAny(List<String> patterns, String host) {
		String name = normalize(host);
		for (String pattern : patterns) {
			if (matches(normalize(pattern), name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matches(String pattern, String host) {
		if (pattern.startsWith("*.")) {
			return host.endsWith(pattern.substring(1));
		}
		byte[] literal = NetUtil.createByteArrayFromIpAddressString(pattern);
		if (literal != null) {
			byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
			return address != null && Arrays.equals(literal, address);
		}
		return pattern.equals(host);
	}

}
