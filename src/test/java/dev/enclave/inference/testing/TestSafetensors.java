package dev.enclave.inference.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads safetensors files for tests, independently of the engine's reader: the
 * reference implementation must share nothing with the engine but the files.
 */
public final class TestSafetensors {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestSafetensors() {
	}

	/** A tensor to write: its data as floats, stored as {@code type} (F32, F16 or BF16). */
	public record Tensor(long[] shape, float[] data) {
	}

	public static void write(Path file, Map<String, Tensor> tensors, String type) {
		ObjectNode header = JSON.createObjectNode();
		long offset = 0;
		int size = type.equals("F32") ? 4 : 2;
		for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
			ObjectNode node = header.putObject(entry.getKey());
			node.put("dtype", type);
			var shape = node.putArray("shape");
			for (long dim : entry.getValue().shape()) {
				shape.add(dim);
			}
			long length = (long) entry.getValue().data().length * size;
			node.putArray("data_offsets").add(offset).add(offset + length);
			offset += length;
		}
		header.putObject("__metadata__").put("format", "pt");
		byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
		int padded = (headerBytes.length + 7) / 8 * 8;
		ByteBuffer out = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
		out.putLong(padded);
		out.put(headerBytes);
		for (int i = headerBytes.length; i < padded; i++) {
			out.put((byte) ' ');
		}
		for (Tensor tensor : tensors.values()) {
			for (float value : tensor.data()) {
				switch (type) {
					case "F32" -> out.putFloat(value);
					case "BF16" -> out.putShort((short) (Float.floatToIntBits(value) >>> 16));
					case "F16" -> out.putShort(Float16.fromFloat(value));
					default -> throw new IllegalArgumentException(type);
				}
			}
		}
		try {
			Files.write(file, out.array());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Reads every tensor of a file as floats. */
	public static Map<String, float[]> read(Path file) {
		try {
			byte[] bytes = Files.readAllBytes(file);
			ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
			int headerLength = (int) in.getLong(0);
			JsonNode header = JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
			int dataStart = 8 + headerLength;
			Map<String, float[]> tensors = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : header.properties()) {
				if (entry.getKey().equals("__metadata__")) {
					continue;
				}
				String type = entry.getValue().get("dtype").asString();
				long begin = entry.getValue().get("data_offsets").get(0).asLong();
				long end = entry.getValue().get("data_offsets").get(1).asLong();
				int size = type.equals("F32") ? 4 : 2;
				float[] data = new float[(int) ((end - begin) / size)];
				for (int i = 0; i < data.length; i++) {
					int at = (int) (dataStart + begin + (long) i * size);
					data[i] = switch (type) {
						case "F32" -> in.getFloat(at);
						case "BF16" -> Float.intBitsToFloat((in.getShort(at) & 0xFFFF) << 16);
						case "F16" -> Float16.toFloat(in.getShort(at));
						default -> throw new IllegalArgumentException(type);
					};
				}
				tensors.put(entry.getKey(), data);
			}
			return tensors;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** IEEE half precision, which Java 17 lacks. */
	static final class Float16 {

		private Float16() {
		}

		static short fromFloat(float value) {
			int bits = Float.floatToIntBits(value);
			int sign = (bits >>> 16) & 0x8000;
			int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
			int mantissa = bits & 0x7FFFFF;
			if (exponent <= 0) {
				return (short) sign;
			}
			if (exponent >= 31) {
				return (short) (sign | 0x7C00);
			}
			int rounded = (exponent << 10) | (mantissa >> 13);
			if ((mantissa & 0x1FFF) > 0x1000 || ((mantissa & 0x1FFF) == 0x1000 && (rounded & 1) == 1)) {
				rounded++;
			}
			return (short) (sign | rounded);
		}

		static float toFloat(short half) {
			int bits = half & 0xFFFF;
			int sign = (bits & 0x8000) << 16;
			int exponent = (bits >>> 10) & 0x1F;
			int mantissa = bits & 0x3FF;
			if (exponent == 0) {
				return Float.intBitsToFloat(sign) + (float) (mantissa * Math.pow(2, -24)) * ((sign != 0) ? -1 : 1);
			}
			if (exponent == 31) {
				return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
			}
			return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
		}

	}

}
