package dev.enclave.inference.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model should run, as configured: {@code auto} (every GPU PyTorch sees, one replica
 * each, else the CPU), {@code cpu}, or {@code gpu:N}; a comma-separated list names one
 * replica per entry.
 *
 * @param kind the choice
 * @param gpu the GPU index for {@link Kind#GPU}, else -1
 */
public record DeviceSpec(Kind kind, int gpu) {

	private static final Pattern GPU = Pattern.compile("gpu:(\\d{1,3})");

	/** The three ways to choose a device. */
	public enum Kind {

		AUTO, CPU, GPU

	}

	/** Parses {@code auto}, {@code cpu} or {@code gpu:N}. */
	public static DeviceSpec parse(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.equals("auto")) {
			return new DeviceSpec(Kind.AUTO, -1);
		}
		if (text.equals("cpu")) {
			return new DeviceSpec(Kind.CPU, -1);
		}
		Matcher matcher = GPU.matcher(text);
		if (matcher.matches()) {
			return new DeviceSpec(Kind.GPU, Integer.parseInt(matcher.group(1)));
		}
		throw new IllegalArgumentException("device must be auto, cpu or gpu:N, not '" + value + "'");
	}

	/** Parses a comma-separated list of devices, one replica each. */
	public static List<DeviceSpec> parseAll(String value) {
		List<DeviceSpec> specs = new ArrayList<>();
		for (String part : value.split(",")) {
			specs.add(parse(part));
		}
		if (specs.size() > 1 && specs.stream().anyMatch((spec) -> spec.kind() == Kind.AUTO)) {
			throw new IllegalArgumentException("device auto already means every GPU; it cannot be listed with others");
		}
		return List.copyOf(specs);
	}

	@Override
	public String toString() {
		return (this.kind == Kind.GPU) ? "gpu:" + this.gpu : this.kind.name().toLowerCase(Locale.ROOT);
	}

}
