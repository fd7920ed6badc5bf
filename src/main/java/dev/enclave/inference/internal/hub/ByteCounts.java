package dev.enclave.inference.internal.hub;

import java.util.Locale;

/** Byte counts as people read them: {@code 3.1 MiB}. */
final class ByteCounts {

	private static final String[] UNITS = { "B", "KiB", "MiB", "GiB", "TiB" };

	private ByteCounts() {
	}

	static String format(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		double value = bytes;
		int unit = 0;
		while (value >= 1024 && unit < UNITS.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
	}

}
